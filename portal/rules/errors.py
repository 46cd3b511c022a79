"""The one exception type every rule raises, carrying a translatable message.

The rules know nothing of Flask-Babel, so a message travels as an English
template plus its parameters; the web layer translates it with
``gettext(exc.template, **exc.params)``.  Templates are wrapped in ``N_`` so
that ``pybabel extract -k N_`` finds them without translating anything here.
"""

from __future__ import annotations

from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction by pybabel; return it unchanged."""
    return message


class RuleError(ValueError):
    """A domain rule was broken; the message says which and how.

    ``RuleError(template, **params)``: ``template`` is an English string with
    ``%(name)s`` placeholders, ``params`` fills them.  ``str(exc)`` is the
    filled-in English message.
    """

    def __init__(self, template: str, **params: Any) -> None:
        self.template = template
        self.params = params
        # A mapping is always applied, so a literal "%%" means "%" whether or
        # not the template has parameters, exactly as gettext's caller will do.
        super().__init__(template % params)

    def __reduce__(self):  # keeps params when pickled (e.g. across processes)
        return (_rebuild, (type(self), self.template, self.params))


def _rebuild(cls: type[RuleError], template: str, params: dict[str, Any]) -> RuleError:
    return cls(template, **params)
