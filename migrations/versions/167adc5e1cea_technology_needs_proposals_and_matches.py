"""technology needs (技术需求), the centres' proposals, the matches announced once, and
licence_requests.need_id (the need a request answers)

Revision ID: 167adc5e1cea
Revises: 034abca4c717
Create Date: 2026-12-08 04:34:10.309235

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '167adc5e1cea'
down_revision = "034abca4c717"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('needs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('ipc', sa.String(length=20), nullable=True),
    sa.Column('budget_min_yuan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('budget_max_yuan', sa.Numeric(precision=16, scale=2), nullable=True),
    sa.Column('wants_exclusive', sa.Boolean(), nullable=False),
    sa.Column('wants_sole', sa.Boolean(), nullable=False),
    sa.Column('wants_ordinary', sa.Boolean(), nullable=False),
    sa.Column('wants_assignment', sa.Boolean(), nullable=False),
    sa.Column('wants_equity', sa.Boolean(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('visibility', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submission_key', sa.String(length=32), nullable=True),
    sa.CheckConstraint("field IN ('medical_devices', 'ivd', 'drugs', 'biologics', 'tcm', 'imaging', 'digital_health', 'rehabilitation', 'surgery', 'other')", name=op.f('ck_needs_field')),
    sa.CheckConstraint("status IN ('open', 'closed', 'expired')", name=op.f('ck_needs_status')),
    sa.CheckConstraint("visibility IN ('public', 'centres')", name=op.f('ck_needs_visibility')),
    sa.CheckConstraint('budget_min_yuan IS NULL OR budget_max_yuan IS NULL OR budget_min_yuan <= budget_max_yuan', name=op.f('ck_needs_budget_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_needs_created_by_id_users')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['organisations.id'], name=op.f('fk_needs_enterprise_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs')),
    sa.UniqueConstraint('submission_key', name=op.f('uq_needs_submission_key'))
    )
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_needs_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_deadline'), ['deadline'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_enterprise_id'), ['enterprise_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_field'), ['field'], unique=False)
        batch_op.create_index(batch_op.f('ix_needs_status'), ['status'], unique=False)

    op.create_table('need_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("source IN ('posted', 'published')", name=op.f('ck_need_matches_source')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_need_matches_listing_id_listings')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_matches_need_id_needs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_matches')),
    sa.UniqueConstraint('need_id', 'listing_id', name=op.f('uq_need_matches_need_id'))
    )
    with op.batch_alter_table('need_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_matches_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_matches_need_id'), ['need_id'], unique=False)

    op.create_table('need_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_need_proposals_centre_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_need_proposals_created_by_id_users')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_need_proposals_listing_id_listings')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_need_proposals_need_id_needs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_proposals')),
    sa.UniqueConstraint('need_id', 'listing_id', name=op.f('uq_need_proposals_need_id'))
    )
    with op.batch_alter_table('need_proposals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_proposals_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_proposals_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_need_proposals_need_id'), ['need_id'], unique=False)

    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('need_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_licence_requests_need_id'), ['need_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_licence_requests_need_id_needs'), 'needs', ['need_id'], ['id'])



def downgrade():
    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_licence_requests_need_id_needs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_licence_requests_need_id'))
        batch_op.drop_column('need_id')

    with op.batch_alter_table('need_proposals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_proposals_need_id'))
        batch_op.drop_index(batch_op.f('ix_need_proposals_listing_id'))
        batch_op.drop_index(batch_op.f('ix_need_proposals_centre_id'))

    op.drop_table('need_proposals')
    with op.batch_alter_table('need_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_matches_need_id'))
        batch_op.drop_index(batch_op.f('ix_need_matches_listing_id'))

    op.drop_table('need_matches')
    with op.batch_alter_table('needs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_needs_status'))
        batch_op.drop_index(batch_op.f('ix_needs_field'))
        batch_op.drop_index(batch_op.f('ix_needs_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_needs_deadline'))
        batch_op.drop_index(batch_op.f('ix_needs_created_at'))

    op.drop_table('needs')
