"""audit events by coder: an index for a person's own newest events

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 13:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The Coding workbench reads a person's recent codes and last undoable change on every decision.
    op.create_index("ix_auditevent_coder_entity", "auditevent", ["coder_id", "entity", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_auditevent_coder_entity", table_name="auditevent")
