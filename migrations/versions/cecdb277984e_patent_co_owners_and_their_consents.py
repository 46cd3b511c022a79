"""patent co-owners and their consents

One row per co-owner, each with its own consent to an open licence, replaces the two yes/no
columns ``patents.co_owned`` and ``patents.co_owners_consent``. A patent marked co-owned gets one
placeholder co-owner carrying the old consent, so every rule refuses or allows exactly as before
until the centre names the co-owners. The downgrade folds the rows back into the two columns.

Revision ID: cecdb277984e
Revises: 41838ca841ce
Create Date: 2026-12-04 23:09:52.867700

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'cecdb277984e'
down_revision = '41838ca841ce'
branch_labels = None
depends_on = None

# Shown on the patent facts page until the centre replaces it with the real co-owners' names.
PLACEHOLDER_NAME = '全体共有人（迁移前的记录，请补全各共有人名称）'
PLACEHOLDER_REFERENCE = '由原“全体共有人同意”勾选项迁移'

patents = sa.table(
    'patents', sa.column('id', sa.Integer()), sa.column('co_owned', sa.Boolean()),
    sa.column('co_owners_consent', sa.Boolean()))
co_owners = sa.table(
    'patent_co_owners', sa.column('patent_id', sa.Integer()), sa.column('name', sa.String()),
    sa.column('consent', sa.Boolean()), sa.column('reference', sa.String()))


def upgrade():
    op.create_table('patent_co_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patent_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('consent', sa.Boolean(), nullable=False),
    sa.Column('consent_date', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['patent_id'], ['patents.id'], name=op.f('fk_patent_co_owners_patent_id_patents'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patent_co_owners')),
    sa.UniqueConstraint('patent_id', 'name', name='uq_patent_co_owners_patent_name')
    )
    with op.batch_alter_table('patent_co_owners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patent_co_owners_patent_id'), ['patent_id'], unique=False)

    # The data first, the old columns after: nothing is lost if either step fails.
    op.execute(co_owners.insert().from_select(
        ['patent_id', 'name', 'consent', 'reference'],
        sa.select(patents.c.id, sa.literal(PLACEHOLDER_NAME), patents.c.co_owners_consent,
                  sa.literal(PLACEHOLDER_REFERENCE)).where(patents.c.co_owned == sa.true())))

    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.drop_column('co_owned')
        batch_op.drop_column('co_owners_consent')


def downgrade():
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('co_owned', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('co_owners_consent', sa.Boolean(), nullable=False, server_default=sa.false()))

    # Co-owned when any co-owner is recorded; consenting when none of them withholds consent.
    recorded = sa.exists().where(co_owners.c.patent_id == patents.c.id)
    withheld = sa.exists().where(co_owners.c.patent_id == patents.c.id, co_owners.c.consent == sa.false())
    op.execute(patents.update().values(co_owned=recorded, co_owners_consent=sa.and_(recorded, ~withheld)))

    with op.batch_alter_table('patents', schema=None) as batch_op:  # the columns had no server default
        batch_op.alter_column('co_owned', server_default=None)
        batch_op.alter_column('co_owners_consent', server_default=None)

    with op.batch_alter_table('patent_co_owners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patent_co_owners_patent_id'))

    op.drop_table('patent_co_owners')
