"""What an upload must be before it is stored: a size under the limit, read in chunks so an oversize
upload stops at the limit; content recognised by its signature (PDF, PNG / JPEG / GIF / WebP, DOCX /
XLSX, or a ZIP of only those); a name without paths or control characters. Every refusal is an
``OperationError`` on the form's ``file`` field, in the reader's language, and nothing is stored."""

from __future__ import annotations

import hashlib
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from flask_babel import gettext as _

from portal.errors import OperationError

CHUNK = 64 * 1024
MAX_NAME = 200
MAX_ZIP_MEMBERS = 500

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# content type -> the extensions a name of that content may end with (the first is added when none)
TYPES: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/png": (".png",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/gif": (".gif",),
    "image/webp": (".webp",),
    DOCX: (".docx",),
    XLSX: (".xlsx",),
    "application/zip": (".zip",),
}


@dataclass
class Received:
    """An upload that passed: its bytes in a temporary file (rewound), and what is known of them."""

    data: IO[bytes]
    size: int
    sha256: str
    content_type: str
    filename: str


def _refuse(message: str) -> OperationError:
    return OperationError(message, field="file")


def accepted_kinds() -> str:
    return _("PDF, PNG, JPEG, GIF, WebP, Word (.docx), Excel (.xlsx), or a ZIP of those")


def clean_name(raw: str | None) -> str:
    """The name as given, trimmed and in NFC, or a refusal: no folders (``/``, ``\\``, ``..``), no NUL
    or other control characters. Chinese and other scripts are kept as they are."""
    name = unicodedata.normalize("NFC", (raw or "").strip())
    if not name:
        raise _refuse(_("The file has no name. Give it one and upload it again."))
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith(".."):
        raise _refuse(_("The file name “%(name)s” contains a folder path. Upload the file under its own name only.",
                        name=name[:80]))
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        raise _refuse(_("The file name contains control characters. Rename the file and upload it again."))
    if len(name) > MAX_NAME:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME]
    return name


def receive(stream: IO[bytes], raw_name: str | None, limit: int) -> Received:
    """Read ``stream`` into a temporary file, stopping as soon as it passes ``limit`` bytes; then check
    its name and content. The caller closes ``data`` (or hands it to the store)."""
    filename = clean_name(raw_name)
    data = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115 - handed to the caller
    digest, size = hashlib.sha256(), 0
    try:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _refuse(_("The file is larger than the limit of %(mb)s MB. Upload a smaller file.",
                                mb=_megabytes(limit)))
            digest.update(chunk)
            data.write(chunk)
        if size == 0:
            raise _refuse(_("The file is empty."))
        data.seek(0)
        content_type = sniff(data, limit)
        filename = _matching_name(filename, content_type)
        data.seek(0)
    except BaseException:
        data.close()
        raise
    return Received(data=data, size=size, sha256=digest.hexdigest(), content_type=content_type, filename=filename)


def _megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:.0f}" if value >= 1 else f"{value:.2f}"


def _matching_name(filename: str, content_type: str) -> str:
    """The name must not claim another type than its content (a PDF called .docx confuses whoever
    opens it); a name without an extension gets the content's."""
    extensions = TYPES[content_type]
    stem, dot, ext = filename.rpartition(".")
    if not dot or not stem:
        return filename + extensions[0]
    if "." + ext.lower() not in extensions:
        raise _refuse(_("The file is named .%(ext)s but its content is %(kind)s. Give it the right extension "
                        "(%(right)s) and upload it again.", ext=ext[:10], kind=kind_name(content_type),
                        right=extensions[0]))
    return filename


def kind_name(content_type: str) -> str:
    names = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF",
             "image/webp": "WebP", DOCX: "Word (.docx)", XLSX: "Excel (.xlsx)", "application/zip": "ZIP"}
    return names.get(content_type, content_type)


def _signature(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        return "application/zip"
    return None


def sniff(data: IO[bytes], limit: int, *, inside_zip: bool = False) -> str:
    """The content type of ``data`` by its signature, a ZIP looked into; a refusal when it is none of
    the accepted kinds."""
    head = data.read(16)
    data.seek(0)
    kind = _signature(head)
    if kind is None:
        raise _refuse(_("This file is not one of the accepted kinds (%(kinds)s): its content was checked, "
                        "whatever its name says.", kinds=accepted_kinds()))
    if kind != "application/zip":
        return kind
    try:
        with zipfile.ZipFile(data) as archive:
            return _zip_kind(archive, limit, inside_zip)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise _refuse(_("This ZIP file is damaged or encrypted and cannot be checked.")) from exc


def _zip_kind(archive: zipfile.ZipFile, limit: int, inside_zip: bool) -> str:
    names = set(archive.namelist())
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return XLSX
    if inside_zip:
        raise _refuse(_("A ZIP file inside a ZIP file is not accepted: put the documents in one ZIP."))
    members = [m for m in archive.infolist() if not m.is_dir()]
    if not members:
        raise _refuse(_("The ZIP file is empty."))
    if len(members) > MAX_ZIP_MEMBERS:
        raise _refuse(_("The ZIP file holds more than %(n)d files.", n=MAX_ZIP_MEMBERS))
    for member in members:
        if member.flag_bits & 0x1:
            raise _refuse(_("This ZIP file is damaged or encrypted and cannot be checked."))
        if member.file_size > limit:
            raise _refuse(_("“%(name)s” in the ZIP file is larger than the limit of %(mb)s MB.",
                            name=member.filename[:80], mb=_megabytes(limit)))
        _check_member(archive, member, limit)
    return "application/zip"


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int) -> None:
    """Each file in a ZIP must itself be an accepted kind (read to the limit at most, so a ZIP bomb
    stops there)."""
    with archive.open(member) as handle, tempfile.SpooledTemporaryFile(max_size=1024 * 1024) as copy:
        read = 0
        while chunk := handle.read(CHUNK):
            read += len(chunk)
            if read > limit:
                raise _refuse(_("“%(name)s” in the ZIP file is larger than the limit of %(mb)s MB.",
                                name=member.filename[:80], mb=_megabytes(limit)))
            copy.write(chunk)
        copy.seek(0)
        try:
            sniff(copy, limit, inside_zip=True)
        except OperationError as exc:
            raise _refuse(_("“%(name)s” in the ZIP file is not an accepted kind (%(kinds)s).",
                            name=member.filename[:80], kinds=accepted_kinds())) from exc
