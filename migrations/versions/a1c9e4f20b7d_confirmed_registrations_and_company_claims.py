"""confirmed registrations and company claims

A registration waits for its address to be confirmed by a mailed link before anything is created;
someone whose company's credit code was registered by others claims it with evidence, for a site
administrator to decide.

Revision ID: a1c9e4f20b7d
Revises: 24a2041de196
Create Date: 2026-12-07 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'a1c9e4f20b7d'
down_revision = '24a2041de196'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pending_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('company', sa.JSON(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_registrations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_pending_registrations_token_hash'))
    )
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_registrations_email'), ['email'], unique=False)

    op.create_table('company_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('company', sa.JSON(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('evidence_filename', sa.String(length=200), nullable=False),
    sa.Column('evidence_type', sa.String(length=100), nullable=False),
    sa.Column('evidence_size', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved', sa.Boolean(), nullable=True),
    sa.Column('transferred', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_company_claims_decided_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_company_claims_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_company_claims'))
    )
    with op.batch_alter_table('company_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_company_claims_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_company_claims_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('company_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_company_claims_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_company_claims_email'))
    op.drop_table('company_claims')
    with op.batch_alter_table('pending_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_registrations_email'))
    op.drop_table('pending_registrations')
