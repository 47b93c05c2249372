"""WSGI entry point: `gunicorn wsgi:app` or `flask --app wsgi ...`."""

import gc

from app import create_app

app = create_app()
# Everything built so far (modules, the app, SQLAlchemy's mappers) lives as long as the process: moved out of the
# garbage collector's generations, a full collection no longer walks it (one took about 130 ms in a worker).
gc.freeze()
