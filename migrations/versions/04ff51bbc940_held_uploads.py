"""held uploads

An import file kept for a short while after an import that saved nothing, so that the user can
run it again without choosing the file again (portal.imports.held).

Revision ID: 04ff51bbc940
Revises: 167adc5e1cea
Create Date: 2026-12-08 04:43:38.812990

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '04ff51bbc940'
down_revision = "167adc5e1cea"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('held_uploads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('patents', 'deals')", name=op.f('ck_held_uploads_kind')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_held_uploads_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_held_uploads_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_held_uploads')),
    sa.UniqueConstraint('token', name=op.f('uq_held_uploads_token'))
    )
    with op.batch_alter_table('held_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_held_uploads_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_held_uploads_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('held_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_held_uploads_user_id'))
        batch_op.drop_index(batch_op.f('ix_held_uploads_created_at'))

    op.drop_table('held_uploads')
