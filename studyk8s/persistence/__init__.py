"""Persistence: column types, engines and pragmas, the write transaction, the models.

SQLAlchemy only, no Flask: the services, the CLI and the migrations use it as it is."""
