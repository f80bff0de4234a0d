"""Alembic environment: migrations run on the engine qcoder hands over (never a URL in a file)."""

from alembic import context
from sqlmodel import SQLModel

import coder.db.models  # noqa: F401  (registers the tables)

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
