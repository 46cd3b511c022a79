"""search change log transaction ids and index registry

``search_changes.txid`` records the writing transaction (PostgreSQL), so the index writer never
skips a row whose transaction commits after a later id's; ``search_indexes`` registers each index
following the log (its mark, heartbeat and last error), and ``search_log_state`` remembers how far
the log was pruned. An index written before this revision has no registration: its writer
rebuilds it once, then follows the log by transaction.

Revision ID: d0aea344f477
Revises: cecdb277984e
Create Date: 2026-12-07 22:59:21.395116

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'd0aea344f477'
down_revision = 'cecdb277984e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_indexes',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=False),
    sa.Column('path', sa.String(length=1000), nullable=False),
    sa.Column('mark', sa.BigInteger(), nullable=False),
    sa.Column('seen_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('error_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rebuild_required', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_indexes'))
    )
    op.create_table('search_log_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pruned_below', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_log_state'))
    )
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('txid', sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f('ix_search_changes_txid'), ['txid'], unique=False)



def downgrade():
    with op.batch_alter_table('search_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_changes_txid'))
        batch_op.drop_column('txid')

    op.drop_table('search_log_state')
    op.drop_table('search_indexes')
