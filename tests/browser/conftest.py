"""Browser fixtures: the per-test app served by a real HTTP server, and Debian's chromium
driven by Playwright (sync API). Everything here skips when chromium or Playwright is missing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TIMEOUT_MS = 60_000  # waits end as soon as the page is ready; generous so that a loaded CI machine passes


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (make browser-deps installs it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def live_server(app):
    """The test's app on 127.0.0.1, a free port, in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


class PageProblems(list):
    """Console errors, uncaught script errors and failed sub-resource loads seen by a page."""

    def watch(self, page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.append(f"script error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _failed(self, request) -> None:
        # ERR_ABORTED: the page navigated on (a click, a submitted form) before a sub-resource of
        # the page it left had loaded; the browser cancelled it itself. Not a fault of the page:
        # on a loaded machine it made the deal journey fail now and then.
        if request.failure == "net::ERR_ABORTED":
            return
        self.append(f"failed: {request.url} {request.failure}")

    def _console(self, msg) -> None:
        # "Failed to load resource" repeats what _response sees, and also fires for pages that
        # answer 400 on purpose (a refused form)
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            self.append(f"console: {msg.text}")

    def _response(self, response) -> None:
        if response.status < 400 or response.request.resource_type == "document":
            return
        if response.url.endswith("/favicon.ico"):  # the browser asks for it on its own
            return
        self.append(f"HTTP {response.status}: {response.url}")


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) with a wide desktop viewport (the signed-in navbar
    collapses below 1400 px), so the navbar is expanded.

    ``page.problems`` collects console errors (a CSP violation shows up there), script errors
    and failed sub-resource loads."""
    context = browser.new_context(base_url=live_server, viewport={"width": 1440, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.problems = PageProblems()
    page.problems.watch(page)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
