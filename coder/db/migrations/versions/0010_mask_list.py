"""mask list: the names masked in every output, and the candidates dismissed as no name

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 11:06:01.136743
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "maskentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mention", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("replacement", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_maskentry")),
        sa.UniqueConstraint("mention", name=op.f("uq_maskentry_mention")),
    )
    with op.batch_alter_table("maskentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_maskentry_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("maskentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_maskentry_status"))

    op.drop_table("maskentry")
