"""A form sent twice — the user retried after an error, or pressed twice — makes one licence
request, one message, one deal: the second answers with the record the first one made."""

from __future__ import annotations

from portal.extensions import db
from portal.models import Deal, LicenceRequest, RequestMessage
from tests.conftest import post
from tests.test_deals import deal_form
from tests.test_requests import REQUEST

KEY = "0123456789abcdef0123456789abcdef"


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_a_request_and_a_message_sent_twice_are_made_once(app, client, auth, make, centre, centre_staff, sme_user):
    listing = make.listing(centre, [make.patent(centre)])
    auth.login(sme_user.email)
    first = post(client, f"/listings/{listing.id}/request", {**REQUEST, "submission_key": KEY})
    again = post(client, f"/listings/{listing.id}/request", {**REQUEST, "submission_key": KEY})
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(app, LicenceRequest) == 1
    other = post(client, f"/listings/{listing.id}/request", {**REQUEST, "submission_key": "f" * 32})
    assert other.status_code == 302 and _count(app, LicenceRequest) == 2  # a new form is a new request

    thread, before = first.headers["Location"], _count(app, RequestMessage)
    for _ in range(2):
        response = post(client, f"{thread}/messages", {"body": "请问能否提供样品？", "submission_key": KEY})
        assert response.status_code == 302
    assert _count(app, RequestMessage) == before + 1


def test_a_deal_sent_twice_is_recorded_once(app, client, auth, make, centre, centre_staff, sme_user):
    patent = make.patent(centre)
    auth.login(centre_staff.email)
    form = {**deal_form(patent.id, sme_user.org_code), "submission_key": KEY}
    first, again = post(client, "/deals/new", form), post(client, "/deals/new", form)
    assert first.status_code == again.status_code == 302
    assert first.headers["Location"] == again.headers["Location"]
    assert _count(app, Deal) == 1


def test_the_forms_carry_a_fresh_key_each_time(app, client, auth, make, centre, centre_staff, sme_user):
    listing = make.listing(centre, [make.patent(centre)])
    auth.login(sme_user.email)
    keys = [client.get(f"/listings/{listing.id}/request").get_data(as_text=True).split('name="submission_key"')[1]
            for _ in range(2)]
    assert keys[0] != keys[1]
