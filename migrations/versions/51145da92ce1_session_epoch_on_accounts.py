"""session epoch on accounts

Every session carries the account's epoch from its login; logout, a password change,
deactivation and "log out everywhere" bump it, ending every session of the account at once.

Revision ID: 51145da92ce1
Revises: 1e1dc62ac31d
Create Date: 2026-12-07 23:41:48.129890

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '51145da92ce1'
down_revision = '1e1dc62ac31d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')

