"""Flask-Login wiring."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.extensions import db
from portal.models import User


def configure_login(login_manager) -> None:
    login_manager.login_message = _l("Please log in to see this page.")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        return db.session.get(User, int(user_id))
