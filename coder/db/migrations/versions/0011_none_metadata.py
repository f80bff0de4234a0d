"""metadata saved as the word "None": the Sources page's form of 2026-12-02 wrote an empty field back as "None"

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 14:45:00

An empty front-matter field (``outlet:``) is stored as null; the metadata form showed it as "None" and, when
saved, stored that word. The form no longer does; this removes the word from what it left behind, so no
citation, export or page prints "None" for a missing outlet. The key goes, as an empty value removes it
(coder.sources.catalogue.update_metadata); the audit log keeps what was saved, as it keeps every change.
Titles are left alone: the form never wrote "None" there, and a front matter ``title: None`` is a title.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCE = sa.table("source", sa.column("id", sa.String), sa.column("meta", sa.JSON))


def upgrade() -> None:
    connection = op.get_bind()
    for source_id, meta in connection.execute(sa.select(SOURCE.c.id, SOURCE.c.meta)).all():
        if isinstance(meta, dict) and "None" in meta.values():
            kept = {key: value for key, value in meta.items() if value != "None"}
            connection.execute(sa.update(SOURCE).where(SOURCE.c.id == source_id).values(meta=kept))


def downgrade() -> None:
    """Nothing to restore: the word "None" was never a value anyone typed."""
