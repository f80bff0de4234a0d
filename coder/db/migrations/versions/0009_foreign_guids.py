"""foreign GUIDs: another QDA tool's GUIDs of codes, sources, codings and selections, kept from a .qdpx

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable columns: SQLite adds them in place (no table copy), existing rows keep qcoder's own GUIDs.
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        # A re-import finds a source by the other tool's GUID, whatever record ID it was given.
        batch_op.create_index(batch_op.f("ix_source_guid"), ["guid"], unique=False)
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column("selection_guid", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coding", schema=None) as batch_op:
        batch_op.drop_column("selection_guid")
        batch_op.drop_column("guid")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_guid"))
        batch_op.drop_column("guid")
    with op.batch_alter_table("code", schema=None) as batch_op:
        batch_op.drop_column("guid")
