from certification import create_app

app = create_app()
