"""A draft listing is checked against the licence rules of publication (issue 16, item 4): an
exclusive or sole licence on a patent under open licence is refused when the draft is saved, with
the message publication gives, and nothing is saved."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.models import AuditEntry, Listing
from tests.conftest import post
from tests.test_open_licence import declare

REFUSAL = "不得就该专利给予独占许可"
SOLE_REFUSAL = "不得就该专利给予排他许可"


def listing_form(patent_id: int, **fields) -> dict:
    return {"title": "可降解支架许可", "patents": [str(patent_id)], "modes": ["ordinary"], "field": "medical_devices",
            "maturity": "", "price_yuan": "", "scenarios": "", "advantages": "", "contact_name": "",
            "contact_email": "", "contact_phone": "", "title_en": "", "abstract_en": "", **fields}


def listings(app) -> list[tuple[str, list[str]]]:
    with app.app_context():
        return [(x.status, x.modes) for x in db.session.scalars(db.select(Listing).order_by(Listing.id))]


@pytest.fixture
def open_patent(client, auth, make, centre, centre_staff):
    auth.login(centre_staff.email)
    patent = make.patent(centre)
    assert declare(client, patent.id).status_code == 302
    return patent


@pytest.mark.parametrize("mode", ["exclusive", "sole"])
def test_new_draft_is_refused(client, app, open_patent, mode):
    response = post(client, "/manage/listings/new", listing_form(open_patent.id, modes=[mode, "ordinary"]))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert (REFUSAL if mode == "exclusive" else SOLE_REFUSAL) in page
    assert 'value="可降解支架许可"' in page  # what was typed stays
    assert listings(app) == []
    with app.app_context():
        assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.kind == "listing.created")) is None


def test_ordinary_draft_is_saved_and_cannot_be_edited_to_exclusive(client, app, open_patent):
    response = post(client, "/manage/listings/new", listing_form(open_patent.id))
    assert response.status_code == 302
    listing_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        db.session.get(Listing, listing_id).status = "draft"
        db.session.commit()
    response = post(client, f"/manage/listings/{listing_id}/edit", listing_form(open_patent.id, modes=["exclusive"]))
    assert response.status_code == 400 and REFUSAL in response.get_data(as_text=True)
    assert listings(app) == [("draft", ["ordinary"])]


def test_same_message_as_publication(client, app, make, centre, open_patent):
    """The draft check and the publication check say the same, in English too."""
    later = make.patent(centre, make.number("1", 2020))
    draft = make.listing(centre, [later], modes=("exclusive",), publish=False)
    assert declare(client, later.id).status_code == 302
    assert post(client, "/language", {"lang": "en", "next": "/"}).status_code == 302
    at_publish = post(client, f"/manage/listings/{draft.id}/publish", follow_redirects=True).get_data(as_text=True)
    at_draft = post(client, "/manage/listings/new", listing_form(open_patent.id, modes=["exclusive"]))
    assert at_draft.status_code == 400
    body = at_draft.get_data(as_text=True)
    sentence = "While an open licence is in force on the patent, no exclusive licence may be granted"
    assert sentence in at_publish and sentence in body


def test_other_centre_cannot_use_the_form_on_our_patent(client, auth, app, open_patent, other_centre_staff):
    auth.login(other_centre_staff.email)
    response = post(client, "/manage/listings/new", listing_form(open_patent.id, modes=["exclusive"]))
    assert response.status_code in (400, 404)
    assert listings(app) == []
