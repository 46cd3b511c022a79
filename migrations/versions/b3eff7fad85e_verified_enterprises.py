"""verified enterprises

An enterprise's credit code and size figures are self-declared at registration until a site
administrator verifies it; centres see the mark on requests and deals, and the figures' drill-down
shows an unverified licensee's size class as self-declared.

Revision ID: b3eff7fad85e
Revises: 3775df5c8a98
Create Date: 2026-12-08 00:18:07.297270

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'b3eff7fad85e'
down_revision = '3775df5c8a98'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified', sa.Boolean(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('verified')

