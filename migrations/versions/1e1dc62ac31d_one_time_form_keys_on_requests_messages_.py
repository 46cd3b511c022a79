"""one-time form keys on requests, messages and deals

A form that creates a licence request, a message or a deal carries a one-time key; the record
keeps it (unique), so the same form sent again finds the first record instead of making a
duplicate.

Revision ID: 1e1dc62ac31d
Revises: d0aea344f477
Create Date: 2026-12-07 23:32:28.603443

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '1e1dc62ac31d'
down_revision = 'd0aea344f477'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_deals_submission_key'), ['submission_key'])

    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_licence_requests_submission_key'), ['submission_key'])

    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submission_key', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_request_messages_submission_key'), ['submission_key'])



def downgrade():
    with op.batch_alter_table('request_messages', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_request_messages_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')

    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_licence_requests_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')

    with op.batch_alter_table('deals', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_deals_submission_key'), type_='unique')
        batch_op.drop_column('submission_key')

