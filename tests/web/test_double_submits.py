"""Create forms sent twice at the same instant (a double click, two tabs, a retry) create once.

Each create form carries a one-time token made when the page was shown. Two sendings of the same
page race like in tests/web/test_races.py (threads, own connections, PostgreSQL in CI): one
creates, the other is shown what the first made, with a message, and creates nothing.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import select

from certification.accounts.models import AuditorQualification, ConflictOfInterest, User
from certification.applications.models import Application, Document
from certification.audits.models import Attachment
from certification.extensions import db as _db
from certification.models_base import utcnow
from certification.organisations.models import Organisation
from certification.quotes.models import Quote
from certification.submissions.forms import new_token
from certification.submissions.models import FormSubmission
from tests import factories, scenarios
from tests.web import test_races
from tests.web.test_races import Race

race_app, race = test_races.race_app, test_races.race  # the fixtures, shared

SENT_ALREADY = "This form was sent already"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 40
TODAY = date.today()


def organisation_form() -> dict:
    return {
        "legal_name": "Saigon Customer Service JSC",
        "country": "VN",
        "city": "Hồ Chí Minh",
        "address": "12 Nguyễn Huệ",
        "sector_code": "29",
        "effective_personnel": "40",
        "preferred_language": "vi",
        "currency": "EUR",
        "contact_name": "Nguyễn An",
        "contact_email": "an@saigoncs.example.vn",
        "sites-0-name": "Head office",
        "sites-0-city": "Hồ Chí Minh",
        "sites-0-personnel": "40",
    }


def created_once(race: Race, results, model, *where) -> None:
    """Both answered without error, one thing was made, one page says the form was sent."""
    assert all(status < 500 for status, _page in results), [s for s, _p in results]
    assert race.count(model, *where) == 1
    told = [page for _status, page in results if SENT_ALREADY in page]
    assert len(told) == 1


def twice(person_id: int, url: str, make_data) -> list[tuple]:
    """The same page sent twice: the same token, each sending with its own copy of the data."""
    token = new_token()
    return [(person_id, url, {**make_data(), "once": token}) for _ in range(2)]


def test_an_organisation_registered_twice_at_once_is_registered_once(race):
    with race.setup():
        planner_id = factories.user("planner").id

    results = race.fire(
        *twice(planner_id, "/organisations/new", organisation_form), pause_on="users"
    )

    created_once(race, results, Organisation)
    # The refused sending is shown the organisation the first one registered.
    assert all("Saigon Customer Service JSC" in page for _status, page in results)


def test_an_application_sent_twice_at_once_from_the_portal_is_recorded_once(race):
    with race.setup():
        organisation = factories.organisation()
        client_id = factories.user("client", organisation=organisation).id

    def form():
        return {
            "scheme": "iso10002:2018",
            "scope": "Handling of customer complaints in our retail stores",
            "confirm": "y",
            "documents": [(io.BytesIO(PDF), "complaints-manual.pdf")],
        }

    results = race.fire(*twice(client_id, "/portal/apply", form), pause_on="users")

    created_once(race, results, Application)
    assert race.count(Document) == 1


def test_an_application_entered_twice_at_once_by_a_planner_is_recorded_once(race):
    with race.setup():
        organisation_id = factories.organisation().id
        planner_id = factories.user("planner").id
    url = f"/applications/new?organisation_id={organisation_id}"

    def form():
        return {
            "scheme": "iso10002:2018",
            "scope": "Handling of customer complaints in our retail stores",
            "confirm": "y",
            "documents": [(io.BytesIO(PDF), "complaints-manual.pdf")],
        }

    results = race.fire(*twice(planner_id, url, form), pause_on="users")

    created_once(race, results, Application)


def test_a_quote_prepared_twice_at_once_is_one_draft(race):
    with race.setup():
        planner = factories.user("planner")
        application = factories.application(
            state="approved",
            competence_confirmed=True,
            reviewed_by_id=planner.id,
            reviewed_at=utcnow(),
        )
        planner_id, application_id = planner.id, application.id

    def form():
        return {"adjust_percent": "0", "justification": "", "currency": "EUR", "notes": ""}

    results = race.fire(*twice(planner_id, f"/quotes/new/{application_id}", form), pause_on="users")

    created_once(race, results, Quote)
    assert all("was prepared as a draft" in page or SENT_ALREADY in page for _s, page in results)


def test_a_user_created_twice_at_once_is_created_once(race):
    with race.setup():
        admin_id = factories.user("admin").id

    def form():
        return {
            "name": "Mehmet Demir",
            "email": "mehmet@example.test",
            "role": "planner",
            "organisation_id": "0",
            "locale": "en",
            "active": "y",
            "password": "Kalite-Belgesi-2026!",
        }

    results = race.fire(*twice(admin_id, "/admin/users/new", form), pause_on="users")

    created_once(race, results, User, User.email == "mehmet@example.test")


@pytest.mark.parametrize(
    ("path", "model", "form"),
    [
        (
            "qualifications",
            AuditorQualification,
            lambda _org: {"scheme": "iso10002", "sector_code": "29", "valid_until": "2027-06-30"},
        ),
        (
            "conflicts",
            ConflictOfInterest,
            lambda org: {
                "organisation_id": str(org),
                "kind": "consultancy",
                "started_on": "2024-01-10",
                "note": "Wrote their manual",
            },
        ),
    ],
)
def test_a_profile_entry_added_twice_at_once_is_added_once(race, path, model, form):
    with race.setup():
        admin_id = factories.user("admin").id
        auditor_id = factories.user("auditor").id
        organisation_id = factories.organisation().id
    url = f"/admin/users/{auditor_id}/{path}"

    results = race.fire(*twice(admin_id, url, lambda: form(organisation_id)), pause_on="users")

    created_once(race, results, model)


def test_a_photo_sent_twice_at_once_is_attached_once(race):
    with race.setup() as session:
        stage2 = scenarios.stage2_on_site(session, TODAY)
        audit_id, lead_id = stage2.audit.id, stage2.lead.id
    url = f"/audits/{audit_id}/answers/7.2-a/attachments"

    def form():
        return {"photo": [(io.BytesIO(JPEG), "IMG_0001.jpg")]}

    results = race.fire(*twice(lead_id, url, form), pause_on="users")

    created_once(race, results, Attachment)


# -- one after the other ------------------------------------------------------------------------


def test_a_page_sent_again_later_shows_the_first_result_and_adds_nothing(race):
    """The browser's back button and a second "Register": the organisation is shown again."""
    with race.setup():
        planner_id = factories.user("planner").id
    (first, again) = twice(planner_id, "/organisations/new", organisation_form)

    results = [race.fire(first, pause_on="none")[0], race.fire(again, pause_on="none")[0]]

    assert [status for status, _page in results] == [200, 200]
    assert "was registered" in results[0][1] and SENT_ALREADY not in results[0][1]
    assert SENT_ALREADY in results[1][1] and "Saigon Customer Service JSC" in results[1][1]
    assert race.count(Organisation) == 1
    with race.reading() as session:
        kept = session.scalars(select(FormSubmission)).one()
        organisation_id = session.scalar(select(Organisation.id))
    assert (kept.form, kept.result_type, kept.result_id) == (
        "organisation",
        "Organisation",
        organisation_id,
    )


def test_two_pages_of_the_same_form_make_two(race):
    """Two forms opened on purpose (two tokens) are two sendings: nothing is refused."""
    with race.setup():
        planner_id = factories.user("planner").id

    def other():
        return {**organisation_form(), "legal_name": "Ha Long Supermarkets"}

    race.fire(*twice(planner_id, "/organisations/new", organisation_form), pause_on="users")
    race.fire(*twice(planner_id, "/organisations/new", other)[:1], pause_on="none")

    assert race.count(Organisation) == 2


def test_a_refused_first_sending_leaves_the_token_free_for_the_corrected_one(race):
    with race.setup():
        planner_id = factories.user("planner").id
    token = new_token()
    wrong = {**organisation_form(), "effective_personnel": "0", "once": token}
    right = {**organisation_form(), "once": token}

    (refused,) = race.fire((planner_id, "/organisations/new", wrong), pause_on="none")
    (saved,) = race.fire((planner_id, "/organisations/new", right), pause_on="none")

    assert refused[0] == 200 and race.count(FormSubmission) == 1
    assert "was registered" in saved[1]
    assert race.count(Organisation) == 1


def test_a_mangled_token_asks_to_send_the_form_again_and_keeps_nothing(race):
    with race.setup():
        planner_id = factories.user("planner").id
    data = {**organisation_form(), "once": "<not a token>"}

    ((status, page),) = race.fire((planner_id, "/organisations/new", data), pause_on="none")

    assert status == 200 and "This form was out of date" in page
    assert race.count(Organisation) == 0 and race.count(FormSubmission) == 0


def test_the_create_pages_carry_a_fresh_token_each_time(race):
    with race.setup():
        planner_id = factories.user("planner").id
    client = race.app.test_client()
    with race.app.app_context():
        sid = _db.session.get(User, planner_id).get_id()
        _db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = sid, True
    pages = [client.get("/organisations/new").get_data(as_text=True) for _ in range(2)]
    tokens = [page.split('name="once" type="hidden" value="')[1].split('"')[0] for page in pages]
    assert len(set(tokens)) == 2 and all(len(token) >= 16 for token in tokens)
    assert race.count(FormSubmission) == 0  # showing a form keeps nothing


def test_tokens_older_than_any_page_that_could_be_sent_again_are_removed(race):
    from datetime import timedelta

    from certification.submissions.services import KEPT_FOR

    with race.setup() as session:
        planner = factories.user("planner")
        other = factories.user("planner")
        long_ago = utcnow() - KEPT_FOR - timedelta(hours=1)
        for person in (planner, other):
            session.add(
                FormSubmission(
                    user_id=person.id, token=new_token(), form="quote", created_at=long_ago
                )
            )
        planner_id, other_id = planner.id, other.id

    race.fire(*twice(planner_id, "/organisations/new", organisation_form)[:1], pause_on="none")

    with race.reading() as session:
        kept = session.execute(select(FormSubmission.user_id, FormSubmission.form)).all()
    assert sorted(kept) == sorted([(planner_id, "organisation"), (other_id, "quote")])
