"""The HTML of the pages users wait on, saved for a before/after comparison (issue 18).

    .venv/bin/python bench/pages_html.py WORKDIR OUTDIR

``WORKDIR`` is a ``--workdir`` of ``bench/search.py`` (its database gets an SME account, made once);
the home page, four listing pages (one also with ``?via=search``), the list and a search page, in
Chinese and English, signed out and signed in as that SME, each saved to ``OUTDIR`` with the CSRF
tokens blanked. The home page and one listing are fetched a second time (from the caches). Run it in
two code trees on the same database and compare the directories: ``diff -r BEFORE AFTER``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

EMAIL, PASSWORD = "pages-html-sme@example.cn", "a-long-password-for-comparing"
PATHS = {"home": "/", "l1": "/listings/1", "l2": "/listings/777", "l3": "/listings/45678", "l4": "/listings/99999",
         "l4via": "/listings/99999?via=search", "list": "/listings?page=2", "search": "/search?q=%E6%94%AF%E6%9E%B6",
         "home_again": "/"}
CSRF = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*|(value=")[^"]*("[^>]*name="csrf_token")')
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')


def blank_csrf(html: str) -> str:
    return CSRF.sub(lambda m: (m.group(1) or m.group(2)) + "X" + (m.group(3) or ""), html)


def ensure_sme(app) -> None:
    from portal.extensions import db
    from portal.models import Organisation, User

    with app.app_context():
        if db.session.scalar(db.select(User).where(User.email == EMAIL)) is None:
            org = Organisation(kind="enterprise", code="pages-html-sme", name_zh="比较用企业", industry="industry",
                               employees=50, size_class="small")
            db.session.add(org)
            db.session.flush()
            user = User(email=EMAIL, role="sme_member", organisation_id=org.id)
            user.set_password(PASSWORD)
            db.session.add(user)
            db.session.commit()


def save(workdir: str, outdir: str) -> int:
    from bench.search import bench_app, environment

    os.environ.update(environment(Path(workdir)))
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    app = bench_app()
    ensure_sme(app)
    saved = 0
    for signed_in in (False, True):
        client = app.test_client()
        if signed_in:
            token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
            response = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
            assert response.status_code == 302, response.status_code
        for lang in ("zh_CN", "en"):
            token = TOKEN.search(client.get("/").get_data(as_text=True)).group(1)
            client.post("/language", data={"lang": lang, "next": "/", "csrf_token": token})
            for name, path in PATHS.items():
                response = client.get(path)
                text = f"{response.status_code}\n" + blank_csrf(response.get_data(as_text=True))
                (out / f"{'sme' if signed_in else 'visitor'}-{lang}-{name}.html").write_text(text)
                saved += 1
    return saved


if __name__ == "__main__":
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    print(save(sys.argv[1], sys.argv[2]), "pages saved")
