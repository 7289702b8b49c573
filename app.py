from studyk8s import create_app

app = create_app()
