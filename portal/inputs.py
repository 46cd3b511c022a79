"""Input every request may carry, made safe before any view sees it.

* Integer URL parts (``<int:…>``) beyond the database's integer range do not match a route: 404,
  not a database error. One converter serves every route.
* ``page`` and ``per_page`` query arguments, wherever they appear, given as whole numbers must be
  from 1 to ``MAX_PAGE``; another number is refused with 400 and a message (text that is no
  number is left to the page, which explains or ignores it).
* A NUL character in a form field, a JSON body or the path is refused with 400 and a message:
  PostgreSQL cannot store it in text, and no user types it. In the query string (search words,
  filters) it is dropped, so that any text typed into a search box is answered.
* :func:`id_arg` reads an id from the query string within the same range.
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

MAX_DB_INT = 2**31 - 1  # PostgreSQL integer; ids and counts of this portal stay far below it
MAX_PAGE = 1_000_000


class DatabaseIntegerConverter(IntegerConverter):
    """``<int:…>`` limited to what an integer column holds: a larger number matches no route."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's parameter name
        kwargs.setdefault("max", MAX_DB_INT)
        super().__init__(map, *args, **kwargs)


class BadInput(Exception):
    """A request refused before any view: ``message`` is in the user's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def check_request() -> None:
    """Refuse what no view should have to handle (see the module docstring)."""
    if any(_has_nul(v) for v in request.args.values()):
        request.args = ImmutableMultiDict([(k.replace("\x00", ""), v.replace("\x00", ""))
                                           for k, v in request.args.items(multi=True)])
    if "\x00" in request.path or any(_has_nul(v) for v in request.form.values()):
        raise BadInput(_("The request contains a NUL character, which no field accepts. Remove it and try again."))
    if request.is_json and _has_nul(request.get_json(silent=True)):
        raise BadInput(_("The request contains a NUL character, which no field accepts. Remove it and try again."))
    for name in ("page", "per_page"):
        value = (request.args.get(name) or "").strip()
        if value.lstrip("-+").isdigit() and not 1 <= int(value) <= MAX_PAGE:
            raise BadInput(_("%(name)s must be a whole number from 1 to %(max)s.", name=name, max=MAX_PAGE))


def id_arg(name: str) -> int | None:
    """The id in query argument ``name``, or None when it is absent or no possible id."""
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and 0 < int(value) <= MAX_DB_INT else None


def configure(app: Flask) -> None:
    """Install the converter (before any blueprint adds its routes) and the request check."""
    app.url_map.converters["int"] = DatabaseIntegerConverter

    @app.before_request
    def refuse_bad_input():
        try:
            check_request()
        except BadInput as exc:
            from portal.main.errors import bad_request

            return bad_request(exc.message)


