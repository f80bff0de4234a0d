"""Alembic environment: migrations run on the engine qcoder hands over (never a URL in a file).

SQLite cannot alter a table in place, so batch migrations copy it, drop the old one and rename the copy;
with foreign keys on, dropping a table others refer to (``coder``, ``source``) fails. Foreign keys are
switched off for the migration — outside its transaction, where SQLite honours the pragma — and every
reference is checked before they are switched back on.
"""

from alembic import context
from sqlmodel import SQLModel

import coder.db.models  # noqa: F401  (registers the tables)

config = context.config
engine = config.attributes["engine"]
sqlite = engine.dialect.name == "sqlite"

with engine.connect() as connection:
    if sqlite:  # on the driver's connection, before any BEGIN: inside a transaction the pragma does nothing
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    try:
        with connection.begin():
            context.configure(connection=connection, target_metadata=SQLModel.metadata, render_as_batch=sqlite)
            with context.begin_transaction():
                context.run_migrations()
            if sqlite and (broken := connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()):
                raise RuntimeError(f"migration left rows whose references are missing: {broken[:5]}")
    finally:  # the connection goes back to the pool: never with foreign keys off
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
