from studyk8s.app import create_app

app = create_app()
