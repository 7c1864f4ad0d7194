"""The bot's first schema: chats and their settings, item choices, the ledger, feed tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Written by hand to match bot/state.py (tests/test_state.py compares the two). Constraint names
follow the naming convention in bot.state.NAMING, so later batch-mode revisions can find them.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Types are spelt out here, not imported from bot.state: a revision must not change when the
# models do. UTCDateTime is DateTime(timezone=True) in the database.
TIMESTAMP = sa.DateTime(timezone=True)


def chat_id() -> sa.Column:
    return sa.Column("chat_id", sa.BigInteger(), nullable=False)


def chat_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["chat_id"], ["chats.id"], ondelete="CASCADE",
                                   name=f"fk_{table}_chat_id_chats")


def upgrade() -> None:
    op.create_table(
        "chats",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("deadline_leads", sa.JSON(), nullable=False),
        sa.Column("event_leads", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(8), nullable=False),
        sa.Column("digest_hour", sa.SmallInteger(), nullable=False),
        sa.Column("digest_weekday", sa.SmallInteger(), nullable=False),
        sa.Column("quiet_start", sa.String(5), nullable=True),
        sa.Column("quiet_end", sa.String(5), nullable=True),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_chats"),
        sa.CheckConstraint("type IN ('private', 'group', 'supergroup', 'channel')",
                           name="ck_chats_type"),
        sa.CheckConstraint("digest IN ('off', 'daily', 'weekly')", name="ck_chats_digest"),
        sa.CheckConstraint("digest_hour BETWEEN 0 AND 23", name="ck_chats_digest_hour"),
        sa.CheckConstraint("digest_weekday BETWEEN 0 AND 6", name="ck_chats_digest_weekday"),
    )
    op.create_table(
        "item_prefs",
        chat_id(),
        sa.Column("item_id", sa.String(128), nullable=False),
        sa.Column("state", sa.String(8), nullable=True),
        sa.Column("snooze_until", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "item_id", name="pk_item_prefs"),
        chat_fk("item_prefs"),
        sa.CheckConstraint("state IN ('follow', 'mute')", name="ck_item_prefs_state"),
    )
    op.create_table(
        "ledger",
        chat_id(),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("item_id", sa.String(128), nullable=True),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("claimed_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("chat_id", "key", name="pk_ledger"),
        chat_fk("ledger"),
        sa.CheckConstraint("state IN ('claimed', 'sent', 'failed')", name="ck_ledger_state"),
    )
    op.create_table(
        "feed_tokens",
        sa.Column("token", sa.String(64), nullable=False),
        chat_id(),
        sa.Column("created", TIMESTAMP, nullable=False),
        sa.Column("revoked", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("token", name="pk_feed_tokens"),
        chat_fk("feed_tokens"),
    )
    with op.batch_alter_table("ledger") as batch:
        batch.create_index("ix_ledger_state_claimed_at", ["state", "claimed_at"])
    with op.batch_alter_table("feed_tokens") as batch:
        batch.create_index("ix_feed_tokens_chat_id", ["chat_id"])


def downgrade() -> None:
    for table in ("feed_tokens", "ledger", "item_prefs", "chats"):
        op.drop_table(table)
