"""Staff download the register and the CertSearch workbook; clients and auditors are refused."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from certification.exports import XLSX_MIMETYPE
from certification.exports.certsearch import CERTIFICATION_SHEET, SITES_SHEET
from tests.services.test_exports import certificate


@pytest.mark.parametrize("role", ["admin", "planner", "committee"])
def test_staff_download_both_workbooks(client, login_as, role):
    cert = certificate(sites=2)
    login_as(role)

    response = client.get("/exports/register.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX_MIMETYPE
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data))["Register"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [cert.number]

    response = client.get("/exports/certsearch.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Certified Entity", "Certification", "Certification Sites"]
    assert book["Certification Sites"].max_row == 3


@pytest.mark.parametrize("role", ["client", "auditor"])
@pytest.mark.parametrize("url", ["/exports/register.xlsx", "/exports/certsearch.xlsx"])
def test_others_are_refused(client, login_as, role, url):
    certificate()
    login_as(role)
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ["/exports/register.xlsx", "/exports/certsearch.xlsx"])
def test_anonymous_is_sent_to_log_in(client, db, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "login" in response.headers["Location"]


def test_certsearch_refusal_lists_the_problems(client, login_as):
    cert = certificate(scope="E" * 32_768)
    login_as("planner")

    response = client.get("/exports/certsearch.xlsx")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "CertSearch export refused" in page
    assert cert.number in page and "32768" in page


def test_the_certificate_list_offers_both_downloads_to_staff(client, login_as):
    login_as("planner")
    page = client.get("/certificates/").get_data(as_text=True)
    assert "/exports/register.xlsx" in page and "/exports/certsearch.xlsx" in page
    login_as("auditor")
    page = client.get("/certificates/").get_data(as_text=True)
    assert "/exports/register.xlsx" not in page


@pytest.mark.parametrize("url", ["/exports/register.xlsx", "/exports/certsearch.xlsx"])
def test_the_download_leaves_in_pieces_as_it_is_written(client, login_as, monkeypatch, url):
    """Streamed: no length known ahead, the zip begun before the rows are read (its first
    block), the writer paused after every chunk of rows, and the workbook the blocks make
    reads back whole with every row in order (benchmarks/export_download.py: 50,000 rows)."""
    monkeypatch.setattr("certification.exports.register.CHUNK", 2)
    monkeypatch.setattr("certification.exports.certsearch.CHUNK", 2)
    numbers = [certificate(sites=2).number for _ in range(5)]
    login_as("planner")

    response = client.get(url, buffered=False)
    assert response.is_streamed and "Content-Length" not in response.headers
    blocks = [block for block in response.response if block]
    response.close()
    assert len(blocks) >= 2 and blocks[0].startswith(b"PK")
    book = load_workbook(io.BytesIO(b"".join(blocks)))
    first = book.worksheets[0]
    shown = [row[0] for row in first.iter_rows(min_row=2, values_only=True)]
    if url.endswith("register.xlsx"):
        assert shown == sorted(numbers, reverse=True)  # same issue date: newest id first
    else:
        # CertSearch v2: the certified entities first (each certificate here is another
        # organisation's), then the certifications, then two sites each.
        assert len(shown) == 5 and len(book[CERTIFICATION_SHEET]["A"]) == 6
        assert book[SITES_SHEET].max_row == 11
