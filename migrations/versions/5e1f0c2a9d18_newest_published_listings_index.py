"""newest published listings index

The home page, the list of listings and the feeds ask for the newest published listings: an index
on (status, published_at, id) reads them in order instead of sorting every published listing.

Revision ID: 5e1f0c2a9d18
Revises: 2e0e8afb4d22
Create Date: 2026-12-07 20:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '5e1f0c2a9d18'
down_revision = "2e0e8afb4d22"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index('ix_listings_status_published_at', ['status', 'published_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index('ix_listings_status_published_at')
