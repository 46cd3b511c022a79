"""Configuration from ``PORTAL_*`` environment variables.

Defaults make ``make run`` work on a fresh clone: a SQLite file and a Whoosh directory under
``instance/``, a secret key generated once and kept in ``instance/secret_key``.
"""

from __future__ import annotations

import os
import secrets
from decimal import Decimal, InvalidOperation
from pathlib import Path

from portal.rules.open_licence import DEFAULT_FEE_GUIDANCE

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("PORTAL_INSTANCE_DIR", ROOT / "instance"))


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"PORTAL_{name}", default)


def _positive_int(value: str | None, default: int) -> int:
    """A whole number ≥ 1 from the environment; the default for anything else (a typo in a
    setting must not stop the portal from starting)."""
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return number if 1 <= number <= 1_000_000 else default


def _seconds(value: str | None, default: float) -> float:
    """A number of seconds ≥ 0 from the environment; the default for anything else."""
    try:
        number = float((value or "").strip())
    except ValueError:
        return default
    return number if 0 <= number <= 86_400 else default


def _secret_key(instance: Path) -> str:
    """Read the key from the environment, or from a file generated once under instance/.

    Never a constant in the code: a leaked repository must not leak session signing.
    """
    key = _env("SECRET_KEY")
    if key:
        return key
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def _cap(name: str, default: Decimal) -> Decimal:
    """A non-negative amount or percentage from ``PORTAL_<name>``; a typo stops the start, loudly."""
    given = _env(name)
    if given is None or not given.strip():
        return default
    try:
        value = Decimal(given.strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise ValueError(f"PORTAL_{name} must be a non-negative number, not {given!r}")
    return value


def sqlalchemy_url(url: str) -> str:
    # psycopg 3 is the driver we pin; accept plain postgresql:// URLs as people write them.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


class Config:
    """Production and development settings."""

    def __init__(self, instance: Path | None = None) -> None:
        instance = Path(instance or INSTANCE)
        self.INSTANCE_DIR = str(instance)
        self.SECRET_KEY = _secret_key(instance)
        self.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
            _env("DATABASE_URL") or f"sqlite:///{instance / 'portal.sqlite3'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.INDEX_DIR = _env("INDEX_DIR") or str(instance / "index")
        self.RATELIMIT_STORAGE_URI = _env("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.LOGIN_RATE_LIMIT = _env("LOGIN_RATE_LIMIT", "5 per minute")
        # Registrations mail a link to any address: at most this many accepted forms per client address.
        self.REGISTER_RATE_LIMIT = _env("REGISTER_RATE_LIMIT", "20 per hour")
        # Feed entry ids are tag URIs under this authority: stable whatever host serves the feed.
        self.FEED_TAG_AUTHORITY = _env("FEED_TAG_AUTHORITY", "portal.local")
        # Rendered feeds kept per process, each valid while the change log's state is unchanged …
        self.FEED_CACHE_SIZE = 256
        self.FEED_CACHE_SECONDS = 3600  # … and rebuilt after this long whatever the state
        self.FEED_MAX_AGE = 300  # Cache-Control max-age of a feed response (seconds)
        self.FEED_INDEX_CHECK_SECONDS = 1.0  # how often a feed asks the index how far it has applied
        # Serialised listings of the read API kept per process, each valid under its listing's state.
        self.API_ITEM_CACHE_SIZE = 4096
        self.API_ITEM_CACHE_SECONDS = 300
        # A listing's page as every reader sees it, kept per process, listing and language while the
        # listing's state holds (portal.listings.page_cache); 0 keeps none.
        self.LISTING_PAGE_CACHE_SIZE = _positive_int(_env("LISTING_PAGE_CACHE_SIZE"), 1024)
        self.LISTING_PAGE_CACHE_SECONDS = 300
        # Result cards' HTML, kept per process by their content and language (portal.listings.card_html).
        self.LISTING_CARD_CACHE_SIZE = _positive_int(_env("LISTING_CARD_CACHE_SIZE"), 4096)
        # Listing page views are kept per process and written together (portal.listings.views_counter):
        # when this many wait, or the oldest has waited this long (a killed process loses at most these).
        self.VIEW_COUNT_FLUSH_VIEWS = _positive_int(_env("VIEW_COUNT_FLUSH_VIEWS"), 200)
        self.VIEW_COUNT_FLUSH_SECONDS = _seconds(_env("VIEW_COUNT_FLUSH_SECONDS"), 5.0)
        self.EXCHANGE_API_RATE_LIMIT = _env("EXCHANGE_API_RATE_LIMIT", "300 per minute")
        # Public notice before a transfer priced by agreement: at least this many calendar days (DOMAIN.md §7).
        self.NOTICE_DAYS = int(_env("NOTICE_DAYS", "15"))
        # Objections are filed without an account: at most this many accepted per client address.
        self.OBJECTION_RATE_LIMIT = _env("OBJECTION_RATE_LIMIT", "10 per hour")
        # Royalty reports and payments fall due this many days after a period ends (unless a deal says otherwise).
        self.ROYALTY_REPORT_DAYS = int(_env("ROYALTY_REPORT_DAYS", "30"))
        self.ROYALTY_PAYMENT_DAYS = int(_env("ROYALTY_PAYMENT_DAYS", "60"))
        # The annual-fee reminder goes out this many days before the six-month grace period ends.
        self.ANNUAL_FEE_REMIND_DAYS = int(_env("ANNUAL_FEE_REMIND_DAYS", "60"))
        # Open-licence fee guidance caps (DOMAIN.md §4, unconfirmed figures): a fee above them gets a
        # warning, never a refusal. One key per field of rules.DEFAULT_FEE_GUIDANCE, in yuan and %.
        for key, default in DEFAULT_FEE_GUIDANCE.items():
            name = f"OPEN_LICENCE_{key.upper()}"  # OPEN_LICENCE_MAX_FIXED_FEE_YUAN, …_MAX_ROYALTY_SALES_PCT, …
            setattr(self, name, _cap(name, default))
        self.BABEL_DEFAULT_LOCALE = "zh_CN"
        self.BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
        self.LANGUAGES = ("zh_CN", "en")
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _env("SECURE_COOKIES", "0") == "1"
        # A session ends after this long without a request, and this long after login (auth/sessions.py).
        self.SESSION_IDLE_MINUTES = float(_env("SESSION_IDLE_MINUTES", "120") or 120)
        self.SESSION_MAX_HOURS = float(_env("SESSION_MAX_HOURS", "12") or 12)
        # Reverse proxies in front of the portal whose X-Forwarded-For / -Proto are believed (0: none).
        self.TRUSTED_PROXIES = int(_env("TRUSTED_PROXIES", "0") or 0)
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit
        # Documents (portal/files): a directory under instance/ by default, or an S3-compatible bucket
        # shared by every app machine (PORTAL_FILES_BACKEND=s3). docs/documents.md.
        self.FILES_BACKEND = (_env("FILES_BACKEND", "local") or "local").strip().lower()
        self.FILES_DIR = _env("FILES_DIR") or str(instance / "files")
        self.FILES_MAX_BYTES = int(_env("FILES_MAX_BYTES", str(20 * 1024 * 1024)) or 20 * 1024 * 1024)
        self.FILES_S3_BUCKET = _env("FILES_S3_BUCKET")
        self.FILES_S3_PREFIX = _env("FILES_S3_PREFIX", "documents/")
        self.FILES_S3_ENDPOINT_URL = _env("FILES_S3_ENDPOINT_URL")  # MinIO, Ceph, OSS, COS …; unset: AWS
        self.FILES_S3_REGION = _env("FILES_S3_REGION")
        self.FILES_S3_ACCESS_KEY_ID = _env("FILES_S3_ACCESS_KEY_ID")  # unset: boto3's own chain (role, env)
        self.FILES_S3_SECRET_ACCESS_KEY = _env("FILES_S3_SECRET_ACCESS_KEY")
        # A request body larger than this is refused (413) before it is read: a document at the limit
        # plus the form around it, and never below the 16 MB that spreadsheet imports need.
        self.MAX_CONTENT_LENGTH = max(16 * 1024 * 1024, self.FILES_MAX_BYTES + 1024 * 1024)
        # An import file with more data rows is refused before its rows are parsed (split it).
        self.IMPORT_MAX_ROWS = int(_env("IMPORT_MAX_ROWS", "10000") or 10000)
        # … and reading stops after this many rows with errors (correct those first).
        self.IMPORT_MAX_ERROR_ROWS = int(_env("IMPORT_MAX_ERROR_ROWS", "100") or 100)
        # A file with more data rows than this is imported outside the request, as a queued job …
        self.IMPORT_INLINE_ROWS = int(_env("IMPORT_INLINE_ROWS", "1000") or 1000)
        # … run by a background thread in the web process (portal/imports/jobs.py); 0 leaves the jobs
        # to a `flask imports work --follow` worker.
        self.IMPORT_JOB_THREAD = _env("IMPORT_JOB_THREAD", "1") == "1"
        # The single-process development server applies the search change log after each commit;
        # under gunicorn a separate `flask search apply --follow` worker does it.
        self.SEARCH_APPLY_INLINE = _env("SEARCH_APPLY_INLINE", "1") == "1"
        # Change-log rows every live index has applied are deleted once older than this …
        self.SEARCH_LOG_RETENTION_SECONDS = int(_env("SEARCH_LOG_RETENTION_SECONDS", "86400") or 86400)
        # … and an index whose writer has been silent this long stops holding rows back (it rebuilds on return).
        self.SEARCH_INDEX_SILENT_SECONDS = int(_env("SEARCH_INDEX_SILENT_SECONDS", "604800") or 604800)
        # A gunicorn worker searches this many of the index's most frequent title words once it has
        # started (gunicorn.conf.py), so that its first users do not pay for reading postings; 0: none.
        self.SEARCH_PREWARM_TERMS = int(_env("SEARCH_PREWARM_TERMS", "500") or 0)
        # The process-wide cache of decoded postings, in MB (docs/search.md, "Cold start").
        # 0: sized from the index when a process opens it (search.segments.auto_postings_cache_mb)
        self.SEARCH_POSTINGS_CACHE_MB = _positive_int(_env("SEARCH_POSTINGS_CACHE_MB", ""), 0)
        # Links in mail sent by commands and workers, outside any request.
        self.BASE_URL = _env("BASE_URL", "http://127.0.0.1:5000")
        # Host names the portal answers to (comma-separated); unset answers any (development).
        hosts = [h.strip() for h in (_env("TRUSTED_HOSTS") or "").split(",") if h.strip()]
        self.TRUSTED_HOSTS = hosts or None
        self.SMTP_HOST = _env("SMTP_HOST")
        self.SMTP_PORT = int(_env("SMTP_PORT", "25") or 25)
        self.SMTP_USER = _env("SMTP_USER")
        self.SMTP_PASSWORD = _env("SMTP_PASSWORD")
        self.SMTP_SENDER = _env("SMTP_SENDER", "noreply@portal.local")
        self.SMTP_TIMEOUT = float(_env("SMTP_TIMEOUT", "10") or 10)
        # Queued mail leaves after commit from a background thread in each web process (see
        # portal/mail.py); 0 leaves all sending to a `flask send-mail --follow` worker.
        self.MAIL_SENDER_THREAD = _env("MAIL_SENDER_THREAD", "1") == "1"
        self.MAIL_POLL_SECONDS = float(_env("MAIL_POLL_SECONDS", "30") or 30)
        # A failed send is retried after this many seconds, doubling with each attempt (at most 1 h).
        self.MAIL_RETRY_SECONDS = float(_env("MAIL_RETRY_SECONDS", "60") or 60)
        # Saved-search digests fall due daily at this hour, Shanghai time, and weekly ones on this
        # weekday (0 = Monday) at that hour (`flask digests send --follow`, docs/saved-searches.md).
        self.DIGEST_HOUR = int(_env("DIGEST_HOUR", "8") or 8)
        self.DIGEST_WEEKDAY = int(_env("DIGEST_WEEKDAY", "0") or 0)


class TestConfig(Config):
    """A temporary instance folder, database and index per test; overrides come from the fixture."""

    TESTING = True

    def __init__(self, instance: Path, **overrides) -> None:
        super().__init__(instance)
        self.SQLALCHEMY_DATABASE_URI = f"sqlite:///{Path(instance) / 'test.sqlite3'}"
        self.INDEX_DIR = str(Path(instance) / "index")
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.SMTP_HOST = None  # never mail a real server from the tests; a test sets its own
        self.IMPORT_JOB_THREAD = False  # import jobs run when a test drains the queue, never on their own
        self.VIEW_COUNT_FLUSH_VIEWS = 1  # each view written at once; the tests of the batching set their own
        self.BASE_URL = "http://localhost"  # the test client's host
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a hash method: fast for tests; production: scrypt
        for key, value in overrides.items():
            setattr(self, key, value)
