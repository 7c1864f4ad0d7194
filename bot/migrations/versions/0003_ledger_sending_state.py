"""Ledger state "sending": a claim the sender has handed to the Bot API. A claim still in state
"claimed" at start-up was never handed over, so it is given back and the message planned again;
one in "sending" may have arrived and is never re-sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.drop_constraint("ck_ledger_state", type_="check")
        batch.create_check_constraint("state", "state IN ('claimed', 'sending', 'sent', 'failed')")


def downgrade() -> None:
    # A "sending" row may have arrived: as "claimed" it is still never re-sent by 0002's code.
    op.execute("UPDATE ledger SET state = 'claimed' WHERE state = 'sending'")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_constraint("ck_ledger_state", type_="check")
        batch.create_check_constraint("state", "state IN ('claimed', 'sent', 'failed')")
