"""Flask-Login wiring."""

from __future__ import annotations

from flask import session
from flask_babel import lazy_gettext as _l

from portal.auth import sessions
from portal.extensions import db
from portal.inputs import MAX_DB_INT
from portal.models import User


def configure_login(login_manager) -> None:
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        """The session's account, unless the session has ended (portal.auth.sessions)."""
        if not user_id.isdigit() or int(user_id) > MAX_DB_INT:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not sessions.still_valid(user):
            session.clear()
            return None
        return user
