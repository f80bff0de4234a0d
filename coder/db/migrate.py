"""Bring any database to the latest schema with Alembic (``qcoder init``).

Every other command only asks whether the database is at the latest schema, which needs no Alembic: the
newest revision is written here as ``HEAD`` (a test holds it to Alembic's own reading of ``migrations/``)
and read back from the ``alembic_version`` table, so that ``qcoder sources list`` does not import Alembic.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).with_name("migrations")
HEAD = "0011"  # the newest migration's revision: raise it with every new file in migrations/versions/


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine) -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), "head")


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration (so commands need not migrate first)."""
    from sqlalchemy import inspect, text

    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD]
