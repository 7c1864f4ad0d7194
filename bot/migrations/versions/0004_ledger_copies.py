"""Ledger: how many copies of a message were written (`copies`), and the state "unclear": a copy
was written but Telegram's answer could not tell whether it arrived (a 5xx, a timeout, a crash
while sending). Such a row owes one more copy, marked as a possible repeat; never a third.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ledger") as batch:
        batch.add_column(sa.Column("copies", sa.SmallInteger(), server_default="0", nullable=False))
        batch.drop_constraint(op.f("ck_ledger_state"), type_="check")
        batch.create_check_constraint("state", "state IN ('claimed', 'sending', 'sent', 'failed', 'unclear')")
    # Rows written under 0003 were sent, or handed over, once.
    op.execute("UPDATE ledger SET copies = 1 WHERE state IN ('sending', 'sent')")


def downgrade() -> None:
    # An unclear row owes a copy 0003's code would never send: as failed it is at least not doubled.
    op.execute("UPDATE ledger SET state = 'failed' WHERE state = 'unclear'")
    with op.batch_alter_table("ledger") as batch:
        batch.drop_constraint(op.f("ck_ledger_state"), type_="check")
        batch.create_check_constraint("state", "state IN ('claimed', 'sending', 'sent', 'failed')")
        batch.drop_column("copies")
