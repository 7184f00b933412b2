from crisiswatch.cli.main import app

app()
