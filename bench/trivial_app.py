"""The framework floor for the HTTP benchmark: a Flask app with one trivial JSON endpoint,
served by gunicorn exactly like the real app (``gunicorn bench.trivial_app:app``)."""

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/ping")
def ping():
    return jsonify(ok=True)
