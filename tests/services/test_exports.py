"""The certificate register and the IAF CertSearch workbook, read back with openpyxl."""

from __future__ import annotations

import io
import itertools
from datetime import date, datetime
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook

from certification.accreditations.iaf import IAF_SECTORS
from certification.accreditations.models import Accreditation
from certification.certificates.models import Certificate, CertificateSite
from certification.exports import CELL_LIMIT, ExportRefused, register, reporting
from certification.exports.certsearch import _row_problems, certsearch_query, write_certsearch
from certification.exports.register import register_query, write_register
from certification.extensions import db
from tests import factories
from tests.data import certsearch_template_v2 as TEMPLATE
from tests.strategies import typed_text

_numbers = itertools.count(1)
ISSUED = date(2026, 3, 15)


def certificate(org=None, sites=1, **kw) -> Certificate:
    """A certificate issued 2026-03-15 with `sites` certified sites, the first the head office."""
    cycle = factories.cycle(factories.quote(factories.application(org)))
    n = next(_numbers)
    if kw.pop("accredited", False):
        kw["accreditation_id"] = accreditation().id
    cert = Certificate(
        number=kw.pop("number", f"TR-2026-{n:04d}"),
        token=f"token-{n}",
        organisation_id=cycle.organisation_id,
        cycle_id=cycle.id,
        scheme=kw.pop("scheme", "iso10002"),
        edition=kw.pop("edition", "2018"),
        scope=kw.pop("scope", "Handling of customer complaints for retail services"),
        issued_on=kw.pop("issued_on", ISSUED),
        original_issued_on=kw.pop("original_issued_on", ISSUED),
        expires_on=kw.pop("expires_on", date(2029, 3, 14)),
        **kw,
    )
    for i in range(sites):
        cert.sites.append(
            CertificateSite(
                name=f"Site {i + 1}",
                address=f"Cadde {i + 1}",
                city="İzmir",
                country="TR",
                scope=f"Call centre {i + 1}",
                is_head_office=i == 0,
            )
        )
    db.session.add(cert)
    db.session.flush()
    return cert


def accreditation() -> Accreditation:
    row = Accreditation(
        accreditation_body="TÜRKAK",
        number="AB-0123-MS",
        schemes=["iso10002:2018"],
        sectors=["29"],
        valid_from=date(2025, 1, 1),
    )
    db.session.add(row)
    db.session.flush()
    return row


def rows(data: bytes, sheet: str) -> list[dict]:
    """The sheet's rows as dicts keyed by the header row."""
    cells = list(load_workbook(io.BytesIO(data))[sheet].iter_rows(values_only=True))
    return [dict(zip(cells[0], row, strict=True)) for row in cells[1:]]


def register_bytes(query=None) -> bytes:
    out = io.BytesIO()
    write_register(out, query)
    return out.getvalue()


def certsearch_bytes(query=None) -> bytes:
    out = io.BytesIO()
    write_certsearch(out, query)
    return out.getvalue()


# --- the register ---------------------------------------------------------------------------


def test_register_has_one_row_per_revision_newest_first_with_real_dates(db):
    org = factories.organisation(legal_name="Güneş Hizmet A.Ş.", english_name="Sun Services")
    old = certificate(org, state="superseded", ended_on=date(2027, 1, 10))
    certificate(
        org,
        sites=3,
        revision=1,
        supersedes_id=old.id,
        issued_on=date(2027, 1, 10),
        accredited=True,
    )

    out = io.BytesIO()
    assert write_register(out) == 2
    data = out.getvalue()
    sheet = load_workbook(io.BytesIO(data))["Register"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    newest, oldest = rows(data, "Register")
    assert (newest["Revision"], newest["Status"], newest["Sites"]) == (1, "Active", 3)
    assert (oldest["Revision"], oldest["Status"]) == (0, "Superseded")
    assert newest["Legal name"] == "Güneş Hizmet A.Ş."
    assert newest["English name"] == "Sun Services"
    assert (newest["Country"], newest["City"]) == ("TR", "İstanbul")
    assert newest["Standard"] == "ISO 10002:2018"
    assert newest["Issued"] == datetime(2027, 1, 10)
    assert newest["Original issue"] == datetime(2026, 3, 15)
    assert newest["Expires"] == datetime(2029, 3, 14)
    assert (newest["Accredited"], newest["Confidential"]) == ("Yes", "No")


def test_register_next_surveillance_is_the_earliest_not_yet_done(db):
    cert = certificate()
    for kind, due, state in (
        ("surveillance1", date(2027, 3, 15), "closed"),
        ("surveillance2", date(2028, 3, 15), "planned"),
        ("recertification", date(2027, 6, 1), "planned"),
    ):
        factories.audit(
            cert.cycle,
            kind=kind,
            due_by=due,
            state=state,
            start_date=due if state == "closed" else None,
            end_date=due if state == "closed" else None,
        )
    withdrawn = certificate(state="withdrawn")
    factories.audit(withdrawn.cycle, kind="surveillance1", due_by=date(2027, 3, 15))

    by_number = {row["Certificate number"]: row for row in rows(register_bytes(), "Register")}
    assert by_number[cert.number]["Next surveillance due"] == datetime(2028, 3, 15)
    # A withdrawn certificate has no surveillance ahead of it.
    assert by_number[withdrawn.number]["Next surveillance due"] is None


def test_register_can_be_narrowed_by_the_caller(db):
    keep = certificate()
    certificate()
    query = register_query().where(Certificate.id == keep.id)
    assert [row["Certificate number"] for row in rows(register_bytes(query), "Register")] == [
        keep.number
    ]


def test_formula_like_text_stays_text(db):
    org = factories.organisation(legal_name='=HYPERLINK("http://evil")', english_name="+cmd")
    certificate(org, scope="-2+3")
    certsearch = certsearch_bytes()
    for data, sheets in (
        (register_bytes(), ["Register"]),
        (certsearch, ["Certified Entity", "Certification"]),
    ):
        book = load_workbook(io.BytesIO(data))
        texts = {
            cell.value: cell.data_type
            for name in sheets
            for row in book[name].iter_rows(min_row=2)
            for cell in row
        }
        assert texts['=HYPERLINK("http://evil")'] == "s"
        assert texts["+cmd"] == "s"
        assert texts["-2+3"] == "s"
    sites = load_workbook(io.BytesIO(certsearch_bytes()))["Certification Sites"]
    assert all(cell.data_type != "f" for row in sites.iter_rows() for cell in row)


def test_characters_a_workbook_cannot_hold_are_left_out_not_a_broken_download(db):
    """A name typed with U+FFFE, U+FFFF or a bell character (the forms keep the first two):
    the workbooks are still written, with the rest of the name."""
    org = factories.organisation(legal_name="Sun\ufffe Trade\uffff Ltd\x07", city="Izmir")
    certificate(org, scope="Call centre\ufffe")
    [row] = rows(register_bytes(), "Register")
    assert (row["Legal name"], row["Scope"]) == ("Sun Trade Ltd", "Call centre")
    [entity] = rows(certsearch_bytes(), "Certified Entity")
    assert "Sun Trade Ltd" in entity.values()


# --- CertSearch -----------------------------------------------------------------------------


def test_the_workbook_has_the_sheets_and_headers_of_the_v2_template(db):
    certificate()
    book = load_workbook(io.BytesIO(certsearch_bytes()))
    assert book.sheetnames == list(TEMPLATE.SHEETS)
    for name, headers in TEMPLATE.SHEETS.items():
        assert [c.value for c in next(book[name].iter_rows(max_row=1))] == headers, name


def test_certsearch_maps_statuses_and_writes_dates_as_yyyymmdd(db):
    states = ("active", "suspended", "withdrawn", "expired")
    made = {state: certificate(state=state, accredited=state == "active") for state in states}

    data = certsearch_bytes()
    records = {row["Certificate Number"]: row for row in rows(data, "Certification")}
    assert len(records) == 4
    mapped = {state: records[cert.number]["Certification Status"] for state, cert in made.items()}
    assert mapped == {
        "active": "Active",
        "suspended": "Suspended",
        "withdrawn": "Withdrawn",
        "expired": "Expired",
    }
    assert {r["Certification Status"] for r in records.values()} <= TEMPLATE.STATUSES
    active = records[made["active"].number]
    assert active["Certification Identity Number"] == made["active"].certification_identity
    assert active["Certification Identity Number"] != str(made["active"].id)  # not the row id
    assert active["Accreditation Status"] == "Accredited"
    assert records[made["expired"].number]["Accreditation Status"] == "Unaccredited"
    assert active["Certification Type"] == "Management System"
    assert active["Certification Original Issue Date"] == "20260315"
    assert active["Certification Issue Date"] == "20260315"
    assert active["Certification Expiry Date"] == "20290314"
    assert active["Certified Entity Unique ID"] == f"ORG-{made['active'].organisation_id}"
    assert active["Standards and Schemes"] == "ISO 10002:2018"
    assert active["Technical Sectors"] == "IAF 29: " + IAF_SECTORS["29"]
    assert active["Confidential"] == "No"


def test_the_certified_entity_has_its_own_sheet_with_the_address_split(db):
    org = factories.organisation(
        address="Kordon Cad. 12", city="İzmir", region="İzmir", postcode="35220"
    )
    certificate(org)
    certificate(org, scheme="csat-star")
    entities = rows(certsearch_bytes(), "Certified Entity")
    assert entities == [
        {
            "Certified Entity Unique ID": f"ORG-{org.id}",
            "Certified Entity Name": org.legal_name,
            "Certified Entity Trading Name": None,
            "Certified Entity English Name": org.english_name,
            "Certified Entity Street": "Kordon Cad. 12",
            "Certified Entity City": "İzmir",
            "Certified Entity State": "İzmir",
            "Certified Entity Zipcode/Postcode": "35220",
            "Certified Entity Country/Economy": "Türkiye",
        }
    ]


def test_one_row_per_certification_with_its_identity_across_revisions_and_renewals(db):
    first = certificate(state="superseded")
    revised = certificate(
        first.organisation,
        revision=1,
        supersedes_id=first.id,
        state="superseded",
        certification_identity=first.certification_identity,
    )
    renewed = certificate(
        first.organisation,
        supersedes_id=revised.id,
        certification_identity=first.certification_identity,
    )
    other = certificate()
    records = rows(certsearch_bytes(), "Certification")
    assert [(r["Certificate Number"], r["Certification Identity Number"]) for r in records] == [
        (renewed.number, first.certification_identity),
        (other.number, other.certification_identity),
    ]
    assert first.certification_identity != other.certification_identity


def test_certsearch_site_rows_have_only_the_template_columns(db):
    two = certificate(sites=2)
    one = certificate(sites=1, confidential=True)

    data = certsearch_bytes()
    sites = rows(data, "Certification Sites")
    assert [(s["Certification Identity Number"], s["Site Street"]) for s in sites] == [
        (two.certification_identity, "Cadde 1"),
        (two.certification_identity, "Cadde 2"),
        (one.certification_identity, "Cadde 1"),
    ]
    assert sites[1]["Site Scope"] == "Call centre 2"
    assert sites[0]["Site Country/Economy"] == "Türkiye"
    records = rows(data, "Certification")
    confidential = {r["Certificate Number"]: r["Confidential"] for r in records}
    assert confidential == {two.number: "No", one.number: "Yes"}


def test_certsearch_narrowed_query_keeps_only_those_sites(db):
    keep = certificate(sites=2)
    certificate(sites=2)
    data = certsearch_bytes(certsearch_query().where(Certificate.id == keep.id))
    assert len(rows(data, "Certification")) == 1
    assert {s["Certification Identity Number"] for s in rows(data, "Certification Sites")} == {
        keep.certification_identity
    }


def test_values_certsearch_cannot_take_are_refused_naming_the_certificate(db):
    # The columns hold at most CertSearch's name and number lengths; what can still go wrong is
    # a scope longer than a spreadsheet cell and an organisation without a legal name.
    long_scope = certificate(scope="S" * (CELL_LIMIT + 1))
    nameless = certificate(factories.organisation(legal_name=""))
    certificate()

    out = io.BytesIO()
    with pytest.raises(ExportRefused) as refused:
        write_certsearch(out)
    problems = refused.value.problems
    assert len(problems) == 2
    assert long_scope.number in problems[0] and str(CELL_LIMIT + 1) in problems[0]
    assert nameless.number in problems[1] and "no legal name" in problems[1]
    assert out.getvalue() == b""  # nothing written


def test_over_long_names_and_numbers_are_named_with_their_length():
    """Should a column ever grow past CertSearch's limits, the check still names the value."""
    row = SimpleNamespace(
        number="N" * 61,
        legal_name_length=301,
        english_name_length=10,
        trading_name_length=0,
        number_length=61,
        scope_length=20,
    )
    problems = _row_problems(row)
    assert len(problems) == 2
    assert "61" in problems[0] and "60" in problems[0]  # the number comes first
    assert "301" in problems[1] and "300" in problems[1]


def test_empty_database_gives_headers_only(db):
    assert rows(register_bytes(), "Register") == []
    data = certsearch_bytes()
    assert rows(data, "Certification") == [] and rows(data, "Certification Sites") == []
    header = next(load_workbook(io.BytesIO(data))["Certification"].iter_rows(values_only=True))
    assert list(header) == TEMPLATE.SHEETS["Certification"]


# --- the CLI --------------------------------------------------------------------------------


def test_cli_writes_both_workbooks(app, db, tmp_path):
    certificate(sites=2)
    db.session.commit()
    runner = app.test_cli_runner()

    result = runner.invoke(args=["export", "register", str(tmp_path / "register.xlsx")])
    assert result.exit_code == 0, result.output
    assert "Wrote 1 certificate(s)" in result.output
    assert len(rows((tmp_path / "register.xlsx").read_bytes(), "Register")) == 1

    result = runner.invoke(args=["export", "certsearch", str(tmp_path / "cs.xlsx")])
    assert result.exit_code == 0, result.output
    assert "1 certificate(s) and 2 site(s)" in result.output


def test_cli_certsearch_refuses_with_problems_and_writes_nothing(app, db, tmp_path):
    cert = certificate(scope="S" * 40_000)
    db.session.commit()
    target = tmp_path / "cs.xlsx"

    result = app.test_cli_runner().invoke(args=["export", "certsearch", str(target)])
    assert result.exit_code == 1
    assert cert.number in result.output and "40000" in result.output
    assert "Nothing written" in result.output
    assert not target.exists()


def test_a_long_export_tells_how_far_it_has_come(db, monkeypatch):
    """The command line shows the rows read so far on a terminal; the writers report them."""
    monkeypatch.setattr(register, "CHUNK", 2)
    for _ in range(5):
        certificate(sites=2)
    told: list[int] = []
    with reporting(told.append):
        write_register(io.BytesIO())
    assert told == [2, 4, 5]
    told.clear()
    with reporting(told.append):
        write_certsearch(io.BytesIO())
    assert told[-1] == 10 and 5 in told  # checks and certifications: 5 rows; sites: 10
    write_register(io.BytesIO())  # outside `reporting`: nobody is told
    assert told[-1] == 10


# --- any text the forms accept ------------------------------------------------------------------


@settings(
    max_examples=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    legal_name=typed_text(300, lines=False, min_size=1),
    english_name=typed_text(300, lines=False),
    city=typed_text(120, lines=False),
    scope=typed_text(10_000, min_size=1),
    site_text=typed_text(2000),
)
def test_any_text_the_forms_accept_is_written_and_reads_back(
    db, legal_name, english_name, city, scope, site_text
):
    org = factories.organisation(legal_name=legal_name, english_name=english_name, city=city)
    cert = certificate(org, sites=2, scope=scope)
    cert.sites[1].address = cert.sites[1].scope = site_text
    db.session.flush()
    query = register_query().where(Certificate.id == cert.id)

    [row] = rows(register_bytes(query), "Register")
    assert (row["Legal name"], row["Scope"]) == (legal_name, scope)
    assert (row["English name"] or "", row["City"] or "") == (english_name, city)
    certsearch = rows(
        certsearch_bytes(certsearch_query().where(Certificate.id == cert.id)), "Certification Sites"
    )
    assert site_text in [value for site in certsearch for value in site.values()] or not site_text
    db.session.rollback()
