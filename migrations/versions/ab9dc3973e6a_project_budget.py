"""project budget, programme funds parameters, operable patents and centre records

A centre's project budget (notice §七, DOMAIN.md §7): the categories of spending with the ones the
central funds may not pay for (seeded with the notice's), money received into the central and the
matching funds, expenditures; three programme parameters, the central funds per centre (RMB
500,000), the number of centres (at most 10) and the mean value score of a high-value patent (4);
the per-patent flag "can be put into operation" (可投入运营) that eligibility counts; and the centre's
leadership body (work task 1), working funds secured, and inventors' disclosures with their
pre-filing review (work task 5).

Revision ID: ab9dc3973e6a
Revises: 4490772c9261
Create Date: 2026-12-08 04:36:15.164388

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'ab9dc3973e6a'
down_revision = "4490772c9261"
branch_labels = None
depends_on = None


def upgrade():
    categories = op.create_table('budget_categories',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('name_zh', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=False),
    sa.Column('forbidden_from_grant', sa.Boolean(), nullable=False),
    sa.Column('rule_zh', sa.String(length=300), nullable=False),
    sa.Column('rule_en', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_budget_categories'))
    )
    # The notice's categories, as they stood when this migration was written.
    op.bulk_insert(categories, [
        {'key': 'office_equipment', 'name_zh': '购置办公设备', 'name_en': 'Office equipment', 'forbidden_from_grant': True, 'rule_zh': '中央财政资金不得用于购置办公设备（《关于开展上海市医疗卫生系统知识产权运营中心建设工作的通知》第七条、财建〔2019〕50号）', 'rule_en': 'central funds must not buy office equipment (notice section 7 and Cai Jian [2019] No. 50)', 'position': 0},
        {'key': 'wages', 'name_zh': '人员奖金、津贴等工资性支出', 'name_en': 'Salaries, bonuses, allowances and other wage-like spending', 'forbidden_from_grant': True, 'rule_zh': '中央财政资金不得用于人员奖金、津贴等工资性支出（《关于开展上海市医疗卫生系统知识产权运营中心建设工作的通知》第七条、财建〔2019〕50号）', 'rule_en': 'central funds must not pay staff bonuses, allowances or other wage-like spending (notice section 7 and Cai Jian [2019] No. 50)', 'position': 1},
        {'key': 'patent_fees', 'name_zh': '专利申请费、维持费', 'name_en': 'Patent application and maintenance fees', 'forbidden_from_grant': True, 'rule_zh': '中央财政资金不得用于专利申请维持费等国家政策禁止资助的经费支出（《关于开展上海市医疗卫生系统知识产权运营中心建设工作的通知》第七条、财建〔2019〕50号）', 'rule_en': 'central funds must not pay patent application or maintenance fees (notice section 7 and Cai Jian [2019] No. 50)', 'position': 2},
        {'key': 'services', 'name_zh': '知识产权运营服务', 'name_en': 'IP operation services', 'forbidden_from_grant': False, 'rule_zh': '', 'rule_en': '', 'position': 3},
        {'key': 'navigation', 'name_zh': '专利导航、评估分析', 'name_en': 'Patent navigation and evaluation', 'forbidden_from_grant': False, 'rule_zh': '', 'rule_en': '', 'position': 4},
        {'key': 'training', 'name_zh': '宣传培训', 'name_en': 'Training and publicity', 'forbidden_from_grant': False, 'rule_zh': '', 'rule_en': '', 'position': 5},
        {'key': 'events', 'name_zh': '对接活动', 'name_en': 'Matchmaking events', 'forbidden_from_grant': False, 'rule_zh': '', 'rule_en': '', 'position': 6},
        {'key': 'other', 'name_zh': '其他', 'name_en': 'Other', 'forbidden_from_grant': False, 'rule_zh': '', 'rule_en': '', 'position': 7},
    ])
    op.create_table('budget_expenses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('fund', sa.String(length=10), nullable=False),
    sa.Column('spent_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('payee', sa.String(length=200), nullable=False),
    sa.Column('category_key', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('voucher_reference', sa.String(length=100), nullable=False),
    sa.Column('voucher_filename', sa.String(length=200), nullable=True),
    sa.Column('voucher_content_type', sa.String(length=100), nullable=True),
    sa.Column('voucher_size', sa.Integer(), nullable=True),
    sa.Column('voucher', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("fund IN ('grant', 'matching')", name=op.f('ck_budget_expenses_fund')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_budget_expenses_amount')),
    sa.ForeignKeyConstraint(['category_key'], ['budget_categories.key'], name=op.f('fk_budget_expenses_category_key_budget_categories')),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_budget_expenses_centre_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_budget_expenses_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_expenses'))
    )
    with op.batch_alter_table('budget_expenses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_expenses_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_expenses_spent_on'), ['spent_on'], unique=False)

    op.create_table('budget_receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('fund', sa.String(length=10), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("fund IN ('grant', 'matching')", name=op.f('ck_budget_receipts_fund')),
    sa.CheckConstraint('amount_fen > 0', name=op.f('ck_budget_receipts_amount')),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_budget_receipts_centre_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_budget_receipts_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_receipts'))
    )
    with op.batch_alter_table('budget_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_receipts_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_receipts_received_on'), ['received_on'], unique=False)

    # The stored parameters row (if any) takes the notice's figures, then the columns become required.
    with op.batch_alter_table('programme_parameters', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grant_per_centre_yuan', sa.Numeric(precision=16, scale=2), nullable=True))
        batch_op.add_column(sa.Column('max_centres', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('high_value_min_average', sa.Numeric(precision=3, scale=1), nullable=True))
    op.execute("UPDATE programme_parameters SET grant_per_centre_yuan = 500000, max_centres = 10, "
               "high_value_min_average = 4")
    with op.batch_alter_table('programme_parameters', schema=None) as batch_op:
        batch_op.alter_column('grant_per_centre_yuan', existing_type=sa.Numeric(precision=16, scale=2), nullable=False)
        batch_op.alter_column('max_centres', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('high_value_min_average', existing_type=sa.Numeric(precision=3, scale=1),
                              nullable=False)

    # The centre's records: its leadership body and the working funds secured.
    op.create_table('leadership_bodies',
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('leader', sa.String(length=100), nullable=False),
    sa.Column('leader_position', sa.String(length=100), nullable=False),
    sa.Column('members', sa.String(length=2000), nullable=False),
    sa.Column('established_on', sa.Date(), nullable=False),
    sa.Column('document_reference', sa.String(length=100), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_leadership_bodies_centre_id_organisations')),
    sa.PrimaryKeyConstraint('centre_id', name=op.f('pk_leadership_bodies'))
    )
    op.create_table('funding_secured',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('amount_yuan', sa.Numeric(precision=16, scale=2), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('secured_on', sa.Date(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_yuan > 0', name=op.f('ck_funding_secured_amount')),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_funding_secured_centre_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_funding_secured'))
    )
    with op.batch_alter_table('funding_secured', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_funding_secured_centre_id'), ['centre_id'], unique=False)

    # Pre-filing review: inventors' disclosures and their review.
    op.create_table('disclosures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('inventors', sa.String(length=500), nullable=False),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('intended_route', sa.String(length=20), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=True),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('recommended_protection', sa.String(length=20), nullable=True),
    sa.Column('reviewer', sa.String(length=100), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("intended_route IN ('invention', 'utility_model', 'design', 'pct', 'undecided')",
                       name=op.f('ck_disclosures_route')),
    sa.CheckConstraint("decision IS NULL OR decision IN ('file', 'revise', 'do_not_file')",
                       name=op.f('ck_disclosures_decision')),
    sa.CheckConstraint("recommended_protection IS NULL OR recommended_protection IN ('invention', 'utility_model', "
                       "'design', 'pct', 'trade_secret', 'none')", name=op.f('ck_disclosures_protection')),
    sa.ForeignKeyConstraint(['centre_id'], ['organisations.id'], name=op.f('fk_disclosures_centre_id_organisations')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_disclosures_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosures'))
    )
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosures_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosures_reviewed_on'), ['reviewed_on'], unique=False)

    # 可投入运营: a flag the centre sets per patent. A patent the centre already offers on a published
    # listing was designated available by that act (DOMAIN.md §7), so it starts flagged: the eligibility
    # figure carries on from what it counted before instead of dropping to nothing on upgrade.
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('operable', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_patents_operable'), ['operable'], unique=False)
    op.execute("UPDATE patents SET operable = TRUE WHERE id IN (SELECT lp.patent_id FROM listing_patents lp "
               "JOIN listings l ON l.id = lp.listing_id WHERE l.status = 'published')")
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.alter_column('operable', existing_type=sa.Boolean(), server_default=None)


def downgrade():
    with op.batch_alter_table('disclosures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosures_reviewed_on'))
        batch_op.drop_index(batch_op.f('ix_disclosures_received_on'))
        batch_op.drop_index(batch_op.f('ix_disclosures_centre_id'))
    op.drop_table('disclosures')
    with op.batch_alter_table('funding_secured', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_funding_secured_centre_id'))
    op.drop_table('funding_secured')
    op.drop_table('leadership_bodies')
    with op.batch_alter_table('patents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patents_operable'))
        batch_op.drop_column('operable')

    with op.batch_alter_table('programme_parameters', schema=None) as batch_op:
        batch_op.drop_column('high_value_min_average')
        batch_op.drop_column('max_centres')
        batch_op.drop_column('grant_per_centre_yuan')

    with op.batch_alter_table('budget_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_receipts_received_on'))
        batch_op.drop_index(batch_op.f('ix_budget_receipts_centre_id'))

    op.drop_table('budget_receipts')
    with op.batch_alter_table('budget_expenses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_expenses_spent_on'))
        batch_op.drop_index(batch_op.f('ix_budget_expenses_centre_id'))

    op.drop_table('budget_expenses')
    op.drop_table('budget_categories')
