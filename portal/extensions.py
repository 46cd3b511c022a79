"""Extensions, created unbound here and bound in ``create_app``.

Models and views import from this module, never from the app module, so there are no import
cycles.
"""

from __future__ import annotations

import functools

from babel import Locale
from flask import has_request_context, request, session
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Deterministic constraint names: Alembic can then alter and drop them on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

LANGUAGE_COOKIE = "portal_lang"


def select_locale() -> Locale:
    """The language the visitor chose (cookie, then account), else Chinese."""
    return _parsed(_chosen_locale())


@functools.lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    # Parsing "zh_CN" looked for its data file, missed (it is zh_Hans_CN) and lower-cased every
    # locale name Babel knows: about a millisecond per request. A Locale is read-only once made.
    return Locale.parse(code)


def _chosen_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and background work: the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(LANGUAGE_COOKIE) or session.get("lang")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
