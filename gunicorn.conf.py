"""gunicorn settings: `gunicorn -c gunicorn.conf.py app:app`.

The app opens no database connection while it is created, so preloading it in the master
and forking workers is safe (each worker connects on its first request).
"""

import multiprocessing
import os

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(4, multiprocessing.cpu_count() * 2)))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
preload_app = True
timeout = 60
graceful_timeout = 20
accesslog = os.environ.get("ACCESS_LOG")  # "-" for stdout
