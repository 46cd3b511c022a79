"""``flask files verify``: the database's documents and the store's objects agree.

A row without its object is a lost file (restore it from the backup of the store); an object without
a row is an orphan (an upload whose transaction did not commit, a delete whose object removal failed,
or a store restored ahead of the database). Exit status 1 when either is found, so a cron job or a
backup script can alert on it.
"""

from __future__ import annotations

import hashlib

import click
from flask.cli import AppGroup

from portal.extensions import db
from portal.files import FileMissing, store

files_cli = AppGroup("files", help="Documents in the file store.")


@files_cli.command("verify")
@click.option("--checksums", is_flag=True, help="Also read every object and compare its sha256 (slow).")
@click.option("--delete-orphans", is_flag=True, help="Remove objects no row refers to (after reading the report).")
def verify(checksums: bool, delete_orphans: bool) -> None:
    """Report documents whose file is missing and files no document refers to."""
    from portal.models import Document

    backend = store()
    rows = db.session.execute(db.select(Document.id, Document.storage_key, Document.sha256, Document.filename)
                              .order_by(Document.id)).all()
    known = {row.storage_key for row in rows}
    present = set(backend.keys())
    missing = [row for row in rows if row.storage_key not in present]
    orphans = sorted(present - known)
    damaged = []
    if checksums:
        for row in rows:
            if row.storage_key in present and _sha256(backend, row.storage_key) != row.sha256:
                damaged.append(row)
    for row in missing:
        click.echo(f"missing: document {row.id} ({row.filename}): no object {row.storage_key} in the store")
    for row in damaged:
        click.echo(f"damaged: document {row.id} ({row.filename}): object {row.storage_key} has another sha256")
    for key in orphans:
        click.echo(f"orphaned: object {key} belongs to no document" + (" (deleted)" if delete_orphans else ""))
        if delete_orphans:
            backend.delete(key)
    click.echo(f"{len(rows)} documents, {len(present)} objects in the {backend.name} store: "
               f"{len(missing)} missing, {len(orphans)} orphaned" + (f", {len(damaged)} damaged" if checksums else ""))
    if missing or damaged or (orphans and not delete_orphans):
        raise SystemExit(1)


def _sha256(backend, key: str) -> str | None:
    digest = hashlib.sha256()
    try:
        for chunk in backend.open(key):
            digest.update(chunk)
    except FileMissing:
        return None
    return digest.hexdigest()
