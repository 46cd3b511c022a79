"""english titles and abstracts

Listings and patents may carry an optional English title and abstract, shown in the English
interface and indexed for English search.

Revision ID: 1a797b58c473
Revises: a1c9e4f20b7d
Create Date: 2026-12-08 01:55:19.447231

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '1a797b58c473'
down_revision = 'a1c9e4f20b7d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('abstract_en', sa.Text(), nullable=True))

    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('abstract_en', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.drop_column('abstract_en')
        batch_op.drop_column('title_en')

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_column('abstract_en')
        batch_op.drop_column('title_en')
