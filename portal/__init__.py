"""The Shanghai medical IP licensing portal (上海医疗卫生专利许可对接平台)."""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from flask import Flask

from portal.config import ROOT, Config


def create_app(config: object | None = None) -> Flask:
    """Build the application: a short list of named configuration steps."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(getattr(config, "INSTANCE_DIR", None) or ROOT / "instance")),
    )
    app.config.from_object(config if config is not None else Config())
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    configure_timezone(app)
    configure_logging(app)
    configure_extensions(app)
    configure_inputs(app)
    configure_blueprints(app)
    configure_templates(app)
    configure_after_commit(app)
    configure_security_headers(app)
    configure_errorhandlers(app)
    configure_cli(app)
    return app


def configure_timezone(app: Flask) -> None:
    """Calendar dates are Shanghai dates (deadlines, announcements, effective dates), whatever the
    server's zone: ``date.today()`` must agree with the times shown on screen. Timestamps stay UTC."""
    os.environ["TZ"] = app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    time.tzset()


def configure_logging(app: Flask) -> None:
    # gunicorn and `flask run` configure handlers; the app only sets its own level.
    app.logger.setLevel(logging.DEBUG if app.debug else logging.INFO)


def configure_extensions(app: Flask) -> None:
    from portal.extensions import babel, csrf, db, limiter, login_manager, migrate, select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(Path(__file__).parent / "translations"))
    limiter.init_app(app)
    warn_about_shared_limits(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "strong"
    from portal.auth import sessions
    from portal.auth.loader import configure_login

    configure_login(login_manager)
    sessions.configure(app, login_manager)


def configure_inputs(app: Flask) -> None:
    """Integer URL parts within the database's range, and no NUL bytes or wild page numbers."""
    from portal import forms, inputs

    inputs.configure(app)
    forms.configure(app)


def warn_about_shared_limits(app: Flask) -> None:
    """Rate limits counted in each process's memory do not hold across several gunicorn workers
    (each counts its own): say so at every start, loudly, rather than refuse to start."""
    import sys

    if not app.config.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        return
    argv = " ".join(sys.argv)
    workers = os.environ.get("WEB_CONCURRENCY") or (
        argv.split("--workers", 1)[1].split()[0].lstrip("=") if "gunicorn" in argv and "--workers" in argv else "1")
    if workers.isdigit() and int(workers) > 1:
        app.logger.error("rate limits are counted in memory, per process: with %s workers a client gets %s times "
                         "the limit. Set PORTAL_RATELIMIT_STORAGE_URI=redis://… (docs/deployment.md)", workers, workers)


def configure_blueprints(app: Flask) -> None:
    from portal.admin import claims  # noqa: F401  (adds the claims pages to the admin blueprint)
    from portal.admin.views import bp as admin_bp
    from portal.auth import register_views  # noqa: F401  (adds the registration routes to the auth blueprint)
    from portal.auth.views import bp as auth_bp
    from portal.budget.views import bp as budget_bp
    from portal.deals import ours  # noqa: F401  (adds the enterprise's own deals page to the deals blueprint)
    from portal.deals.import_views import bp as deal_import_bp
    from portal.deals.views import bp as deals_bp
    from portal.disclosures.views import bp as disclosures_bp
    from portal.documents.views import bp as documents_bp
    from portal.events import signup  # noqa: F401  (adds the sign-up routes to the events blueprint)
    from portal.events.views import bp as events_bp
    from portal.exchange.admin_views import bp as exchange_admin_bp
    from portal.exchange.api import bp as exchange_api_bp
    from portal.exchange.views import bp as exchange_bp
    from portal.feeds.views import bp as feeds_bp
    from portal.imports.job_views import bp as import_jobs_bp
    from portal.listings.api import bp as api_bp
    from portal.listings.manage import bp as manage_bp
    from portal.listings.search import bp as search_bp
    from portal.listings.views import bp as listings_bp
    from portal.main import work  # noqa: F401  (adds the work page to the main blueprint)
    from portal.main.views import bp as main_bp
    from portal.metrics import admin, facts, funnel_views, views  # noqa: F401  (each adds its routes to the metrics blueprint)
    from portal.metrics.api import bp as metrics_api_bp
    from portal.metrics.blueprint import bp as metrics_bp
    from portal.needs.views import bp as needs_bp
    from portal.notices.views import bp as notices_bp
    from portal.patents import assessment_views, manual_views  # noqa: F401  (add their pages to the patents blueprint)
    from portal.patents.import_help import bp as import_help_bp
    from portal.patents.legal_status_views import bp as legal_status_bp
    from portal.patents.views import bp as patents_bp
    from portal.requests.views import bp as requests_bp
    from portal.rewards.views import bp as rewards_bp
    from portal.royalties.views import bp as royalties_bp
    from portal.subscriptions.unsubscribe import bp as unsubscribe_bp
    from portal.subscriptions.views import bp as subscriptions_bp

    for bp in (main_bp, auth_bp, admin_bp, listings_bp, manage_bp, search_bp, requests_bp, deals_bp, api_bp, patents_bp,
               feeds_bp, events_bp, deal_import_bp, exchange_bp, exchange_api_bp, exchange_admin_bp,
               metrics_bp, metrics_api_bp, import_help_bp, import_jobs_bp, subscriptions_bp, unsubscribe_bp,
               needs_bp, documents_bp, budget_bp, disclosures_bp,
               notices_bp, royalties_bp, rewards_bp, legal_status_bp):
        app.register_blueprint(bp)


def configure_templates(app: Flask) -> None:
    from portal.main.template_helpers import register

    register(app)


def configure_after_commit(app: Flask) -> None:
    """Work that follows a committed request: the search writer (inline mode), queued mail and
    queued import jobs."""
    from portal import indexing, notify
    from portal.imports import runner

    indexing.configure(app)
    notify.configure(app)
    from portal.needs import matching

    matching.register()
    runner.configure(app)


def configure_security_headers(app: Flask) -> None:
    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        if app.config.get("SESSION_COOKIE_SECURE"):  # served over HTTPS: browsers keep to it
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if _signed_in() and "Cache-Control" not in response.headers:
            # A signed-in page or file is nobody else's: no shared or back-button copy of it.
            response.headers["Cache-Control"] = "no-store"
        return response


def _signed_in() -> bool:
    from flask import has_request_context
    from flask_login import current_user

    return has_request_context() and current_user.is_authenticated


def configure_errorhandlers(app: Flask) -> None:
    from portal.main.errors import register

    register(app)


def configure_cli(app: Flask) -> None:
    from portal.budget.cli import budget_cli
    from portal.cli import register
    from portal.imports.runner import imports_cli
    from portal.package.cli import programme_cli

    register(app)
    app.cli.add_command(imports_cli)
    from portal.needs.cli import needs_cli

    app.cli.add_command(needs_cli)
    app.cli.add_command(budget_cli)
    app.cli.add_command(programme_cli)
