"""saved searches and digests

A user's saved searches (query, filters, delivery), the listings each digest has already named
(one row per saved search and listing), and extra headers on queued mail (List-Unsubscribe).

Revision ID: 034abca4c717
Revises: f8f620922694
Create Date: 2026-12-08 04:34:24.536076

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '034abca4c717'
down_revision = "f8f620922694"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('delivery', sa.String(length=10), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('digest_mark', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_digest_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("delivery IN ('feed', 'in_app', 'daily', 'weekly')", name=op.f('ck_saved_searches_delivery')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches'))
    )
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_searches_delivery'), ['delivery'], unique=False)
        batch_op.create_index(batch_op.f('ix_saved_searches_user_id'), ['user_id'], unique=False)

    op.create_table('saved_search_sent',
    sa.Column('saved_search_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_saved_search_sent_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['saved_search_id'], ['saved_searches.id'], name=op.f('fk_saved_search_sent_saved_search_id_saved_searches'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('saved_search_id', 'listing_id', name=op.f('pk_saved_search_sent'))
    )
    with op.batch_alter_table('saved_search_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_search_sent_listing_id'), ['listing_id'], unique=False)

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=True))



def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('headers')

    with op.batch_alter_table('saved_search_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_search_sent_listing_id'))

    op.drop_table('saved_search_sent')
    with op.batch_alter_table('saved_searches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_searches_user_id'))
        batch_op.drop_index(batch_op.f('ix_saved_searches_delivery'))

    op.drop_table('saved_searches')
