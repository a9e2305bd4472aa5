"""The audit report quotes each finding's question in the report's language (#13): the
organisation's preferred one, read back out of the PDF with pypdf."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from certification.checklists.loader import checklist_for
from certification.reports.pdf import render_report_pdf, report_language
from tests.unit.test_report_pdf import BODY, make_data, pdf_text, squeeze


def question(language: str, question_id: str = "7.2-a") -> str:
    return checklist_for("iso10002", "2018").question(question_id).text[language]


def report_text(app, language: str) -> str:
    data = make_data()
    data.audit.organisation.preferred_language = language
    with app.test_request_context(), force_locale(language):
        return pdf_text(render_report_pdf(data, *BODY))


def test_a_report_in_russian_quotes_the_questions_in_russian(app):
    text = squeeze(report_text(app, "ru"))
    assert squeeze(question("ru")) in text
    assert squeeze(question("ru", "8.3-a")) in text  # the second finding's question
    assert squeeze(question("en")) not in text
    assert squeeze("Вопрос") in text  # the label around it follows the report's language


@pytest.mark.parametrize("language", ["en", "tr", "vi"])
def test_each_report_language_quotes_its_own_question(app, language):
    assert squeeze(question(language)) in squeeze(report_text(app, language))


def test_the_report_language_is_the_organisations_unless_the_report_has_one():
    data = make_data()
    data.audit.organisation.preferred_language = "ka"
    assert report_language(data) == "ka"
    data.report.language = "vi"  # a report that records its own language (another branch)
    assert report_language(data) == "vi"
    data.report = None
    assert report_language(data) == "ka"
