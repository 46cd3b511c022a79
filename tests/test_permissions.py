"""One permission vocabulary, enforced on views; anonymous users are sent to log in."""

from __future__ import annotations

import pytest

from portal.permissions import PERMISSIONS, role_has

ADMIN_PAGES = ["/admin/", "/admin/users/new", "/admin/orgs", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["sme_user", "centre_staff", "organiser"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_non_admins_get_403(client, auth, request, role, path):
    user = request.getfixturevalue(role)
    auth.login(user.email)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_sees_admin_pages(client, auth, admin, path):
    auth.login(admin.email)
    assert client.get(path).status_code == 200


def test_every_role_is_known_to_the_vocabulary():
    from portal.models import ROLES

    for roles in PERMISSIONS.values():
        assert roles <= set(ROLES)
    assert role_has("site_admin", "admin") and not role_has("sme_member", "admin")
    with pytest.raises(KeyError):
        role_has("sme_member", "no_such_permission")


def test_navigation_follows_role(client, auth, admin, sme_user):
    auth.login(sme_user.email)
    assert "/admin/" not in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login(admin.email)
    assert "/admin/" in client.get("/").get_data(as_text=True)


def test_errors_have_no_traceback(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)
