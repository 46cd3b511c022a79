"""The navigation bar's role links are kept per process (portal/main/nav_cache.py, issue 18): each
reader still sees exactly their role's links, in their language, with the current page marked."""

from __future__ import annotations

import re

from flask import render_template

from tests.conftest import post

NAV = re.compile(r'<ul class="navbar-nav me-auto">(.*?)</ul>\s*<form', re.S)


def nav(client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    match = NAV.search(response.get_data(as_text=True))
    assert match, path
    return match.group(1)


def fresh_nav(app, client, path: str = "/") -> str:
    """The links as the template renders them without the cache, for the same request."""
    app.extensions.pop("portal_nav_items", None)
    return nav(client, path)


def test_visitor_links_and_current_page(app, client):
    home = nav(client, "/")
    assert 'id="nav-listings"' in home and 'id="nav-needs"' in home and 'id="nav-events"' in home
    assert 'aria-current="page"' not in home
    listings = nav(client, "/listings")
    assert re.search(r'class="nav-link active" href="/listings/?" id="nav-listings" aria-current="page"', listings)
    assert nav(client, "/") == home  # the home page's own entry, not the last page's
    assert fresh_nav(app, client, "/listings") == listings


def test_language_is_part_of_the_key(app, client):
    chinese = nav(client, "/")
    assert "专利" in chinese or "需求" in chinese
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302
    english = nav(client, "/")
    assert english != chinese and "Listings" in english
    assert fresh_nav(app, client, "/") == english
    assert post(client, "/language", {"lang": "zh_CN", "next": "/"}).status_code == 302
    assert nav(client, "/") == chinese


def test_each_role_sees_its_own_links(app, client, auth, centre_staff, sme_user, admin):
    visitor = nav(client, "/")
    auth.login(centre_staff.email)
    staff = nav(client, "/")
    assert 'id="nav-centre"' in staff and 'id="nav-work"' in staff and 'id="nav-accounts"' not in staff
    assert fresh_nav(app, client, "/") == staff
    auth.logout()
    assert nav(client, "/") == visitor
    auth.login(sme_user.email)
    sme = nav(client, "/")
    assert 'id="nav-requests"' in sme and 'id="nav-centre"' not in sme
    auth.logout()
    auth.login(admin.email)
    admin_nav = nav(client, "/")
    assert 'id="nav-accounts"' in admin_nav and 'id="nav-centre"' not in admin_nav
    assert fresh_nav(app, client, "/") == admin_nav


def test_development_renders_every_time(app, client):
    app.jinja_env.auto_reload = True
    nav(client, "/")
    assert not app.extensions.get("portal_nav_items")
    with app.test_request_context("/"):
        assert "nav-listings" in render_template("base.html")


def test_listing_page_statement_built_once(app, client, make, centre, centre_staff):
    """The listing page's query is built once per process and bound per request: each listing shows
    its own centre and patents, a draft stays hidden, an id out of any column's range is a 404."""
    first = make.listing(centre, [make.patent(centre)], title="第一项许可")
    second = make.listing(centre, [make.patent(centre)], title="第二项许可")
    draft = make.listing(centre, [make.patent(centre)], title="草稿", publish=False)
    one, two = (client.get(f"/listings/{ref.id}").get_data(as_text=True) for ref in (first, second))
    assert "第一项许可" in one and "第二项许可" not in one
    assert "第二项许可" in two and "第一项许可" not in two
    assert f'href="/centres/{centre.code}"' in one
    assert client.get(f"/listings/{draft.id}").status_code == 404
    assert client.get("/listings/99999999999999999999999").status_code == 404
    assert client.get("/listings/0").status_code == 404
