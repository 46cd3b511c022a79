"""A heading row matched to the importer's columns (English or Chinese), and a data row read
cell by cell with every problem collected."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask_babel import gettext as _

from portal.imports.cells import CellError, Column, heading_key, is_blank, text


def match_headings(headings: list[object], columns: Iterable[Column],
                   errors: list[str]) -> tuple[dict[int, str], dict[str, str]]:
    """Match a heading row to ``columns`` by English key or Chinese name.

    Returns (position -> column key, column key -> the heading as the file spells it, so that
    messages name the cell the user sees). Missing required, unknown and doubled headings are
    appended to ``errors``: an unknown heading is an error, so a typo never drops a column silently.
    """
    columns = tuple(columns)
    by_heading = {heading_key(name): col.key for col in columns for name in (col.key, col.zh)}
    keys: dict[int, str] = {}
    names: dict[str, str] = {col.key: col.key for col in columns}
    unknown, doubled = [], []
    for position, heading in enumerate(headings):
        if is_blank(heading):
            continue
        key = by_heading.get(heading_key(heading))
        if key is None:
            unknown.append(text(heading))
        elif key in keys.values():
            doubled.append(text(heading))
        else:
            keys[position], names[key] = key, text(heading)
    missing = [f"{col.key} ({col.zh})" for col in columns if col.required and col.key not in keys.values()]
    if missing:
        errors.append(_("Required columns are missing: %(columns)s.", columns=", ".join(missing)))
    if unknown:
        errors.append(_("Unknown columns: %(columns)s. Use the headings of the template, in English or Chinese.",
                        columns=", ".join(unknown)))
    if doubled:
        errors.append(_("Columns given twice: %(columns)s.", columns=", ".join(doubled)))
    return keys, names


def row_values(cells: list[object], keys: dict[int, str], errors: list[str],
               ignored: frozenset[int] = frozenset()) -> dict[str, object]:
    """A data row's cells by column key; a value under no heading is an error (named by its letter).
    ``ignored`` are the positions of headings already reported as unknown or doubled: their cells
    are left out without a second message on every row."""
    from openpyxl.utils import get_column_letter

    values = {}
    for position, value in enumerate(cells):
        key = keys.get(position)
        if key:
            values[key] = value
        elif not is_blank(value) and position not in ignored:
            # Named by letter, as Excel shows it.
            errors.append(_("Column %(letter)s has a value but no heading.", letter=get_column_letter(position + 1)))
    return values


@dataclass
class RowReader:
    """Reads one row cell by cell, collecting every problem (not just the first), each prefixed
    with the column's heading as the file spells it, so the user can find the cell."""

    values: dict[str, object]
    names: dict[str, str]  # column key -> heading as typed
    errors: list[str]
    max_length: dict[str, int] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)  # the columns with a problem

    def problem(self, key: str, message: object) -> None:
        self.failed.add(key)
        self.errors.append(_("%(column)s: %(problem)s", column=self.names.get(key, key), problem=str(message)))

    def cell(self, key: str, parse: Callable, *args, required: bool = False):
        """``parse(value, *args)``; a :class:`CellError` or ``portal.rules`` error becomes a problem of
        the column, and so does a blank required cell or text longer than ``max_length``."""
        from portal.errors import rule_message
        from portal.rules import RuleError

        value = self.values.get(key)
        if required and is_blank(value):
            self.problem(key, _("A value is required."))
            return None
        try:
            result = parse(value, *args)
        except (CellError, RuleError) as exc:
            self.problem(key, rule_message(exc))
            return None
        if isinstance(result, str) and len(result) > self.max_length.get(key, len(result)):
            self.problem(key, _("Longer than %(max)s characters.", max=self.max_length[key]))
        return result


R = TypeVar("R")


# Who hears how far reading has got: an import job (``portal.imports.jobs``) sets a function that
# prepare_rows calls with the number of data rows read so far, every PROGRESS_EVERY rows.
reading_progress: ContextVar[Callable[[int], None] | None] = ContextVar("reading_progress", default=None)
PROGRESS_EVERY = 500


@dataclass
class PreparedFile(Generic[R]):
    """Every data row of a file, parsed, or the problems of the file as a whole."""

    rows: list[R] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    stopped_at: int | None = None  # the row after which reading stopped: too many rows with errors


def prepare_rows(table: list[list[object]], columns: Iterable[Column],
                 make_row: Callable[[int, dict[str, object], dict[str, str], list[str]], R],
                 no_rows: str, max_error_rows: int | None = None) -> PreparedFile[R]:
    """Match the heading row to ``columns``, then turn every data row into an importer's row.

    ``make_row(number, values, names, errors)`` gets the spreadsheet row number (the heading is
    row 1), the cells by column key, the headings as the file spells them and the list of the
    row's problems so far (a value under no heading); blank rows are skipped. ``no_rows`` is the
    file's problem when it holds headings only. Reading stops after ``max_error_rows`` rows with
    errors (``stopped_at``): a file that wrong is corrected first, and listing every one of its
    problems helps nobody. This is all an importer needs of the file: a third importer brings its
    column list and its row class.
    """
    prepared: PreparedFile[R] = PreparedFile()
    if not table or all(is_blank(v) for v in table[0]):
        prepared.file_errors.append(_("The file is empty: the first row must hold the column headings."))
        return prepared
    columns = tuple(columns)
    keys, names = match_headings(table[0], columns, prepared.file_errors)
    if any(col.required and col.key not in keys.values() for col in columns):
        return prepared  # every row would lack the same cells: the file's problem is the answer
    # An unknown or doubled heading is the file's problem, but the rows are still read (its cells
    # left out), so one report shows it together with every row's own problems.
    ignored = frozenset(pos for pos, heading in enumerate(table[0]) if not is_blank(heading) and pos not in keys)
    failing = 0
    progress = reading_progress.get()
    for number, cells in enumerate(table[1:], start=2):
        if all(is_blank(v) for v in cells):
            continue
        errors: list[str] = []
        values = row_values(cells, keys, errors, ignored)
        prepared.rows.append(make_row(number, values, names, errors))
        if progress is not None and len(prepared.rows) % PROGRESS_EVERY == 0:
            progress(len(prepared.rows))
        failing += bool(errors)
        if max_error_rows is not None and failing >= max_error_rows:
            prepared.stopped_at = number
            break
    if not prepared.rows and not prepared.file_errors:
        prepared.file_errors.append(no_rows)
    return prepared
