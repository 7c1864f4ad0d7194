"""A small key-value table for the bot's own bookkeeping (when it last looked for owed messages),
and an index to find ledger rows by key across chats (a broadcast asks "which chats already got
remind:<item>:1d?").

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bot_meta",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_bot_meta"),
    )
    with op.batch_alter_table("ledger") as batch:
        batch.create_index("ix_ledger_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_index("ix_ledger_key")
    op.drop_table("bot_meta")
