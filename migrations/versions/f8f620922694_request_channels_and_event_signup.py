"""request channels, listing view counts, event registrations

Issue 17 (items 5 and 6): licence_requests.channel (where a request came from; requests that
already named an event count as "event"), listing_view_counts (the funnel's per-listing, per-day,
per-channel view counter), event_registrations with event_registration_listings (sign-up, check-in),
and events.capacity / events.follow_up_sent_at.

Revision ID: f8f620922694
Revises: 1a797b58c473
Create Date: 2026-12-08 04:34:17.015773

"""
from alembic import op
import sqlalchemy as sa

import portal.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'f8f620922694'
down_revision = '1a797b58c473'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('listing_view_counts',
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.CheckConstraint("channel IN ('search', 'digest', 'need', 'event', 'recommendation', 'direct')", name=op.f('ck_listing_view_counts_channel')),
    sa.CheckConstraint('views >= 0', name=op.f('ck_listing_view_counts_views')),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_view_counts_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('listing_id', 'day', 'channel', name=op.f('pk_listing_view_counts'))
    )
    with op.batch_alter_table('listing_view_counts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listing_view_counts_day'), ['day'], unique=False)

    op.create_table('event_registrations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', portal.models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('checked_in_at', portal.models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('added_attendance', sa.Boolean(), nullable=False),
    sa.CheckConstraint('people > 0', name=op.f('ck_event_registrations_people')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['users.id'], name=op.f('fk_event_registrations_checked_in_by_id_users')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_registrations_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_event_registrations_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_registrations_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registrations')),
    sa.UniqueConstraint('event_id', 'organisation_id', name=op.f('uq_event_registrations_event_id'))
    )
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registrations_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_registrations_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('event_registration_listings',
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_event_registration_listings_listing_id_listings')),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_event_registration_listings_registration_id_event_registrations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('registration_id', 'listing_id', name=op.f('pk_event_registration_listings'))
    )
    with op.batch_alter_table('event_registration_listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_listings_listing_id'), ['listing_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capacity', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('follow_up_sent_at', portal.models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_events_capacity'), 'capacity IS NULL OR capacity > 0')

    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), server_default='direct', nullable=False))
        batch_op.create_index(batch_op.f('ix_licence_requests_channel'), ['channel'], unique=False)
        batch_op.create_check_constraint(
            op.f('ck_licence_requests_channel'),
            "channel IN ('search', 'digest', 'need', 'event', 'recommendation', 'direct')")
    op.execute("UPDATE licence_requests SET channel = 'event' WHERE event_id IS NOT NULL")



def downgrade():
    with op.batch_alter_table('licence_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_licence_requests_channel'), type_='check')
        batch_op.drop_index(batch_op.f('ix_licence_requests_channel'))
        batch_op.drop_column('channel')

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_events_capacity'), type_='check')
        batch_op.drop_column('follow_up_sent_at')
        batch_op.drop_column('capacity')

    with op.batch_alter_table('event_registration_listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_listings_listing_id'))

    op.drop_table('event_registration_listings')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_event_registrations_event_id'))

    op.drop_table('event_registrations')
    with op.batch_alter_table('listing_view_counts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listing_view_counts_day'))

    op.drop_table('listing_view_counts')
