"""What the lead auditor states in the report besides the findings (ISO/IEC 17021-1 9.4.8):
deviations from the audit plan, significant unresolved issues, whether the scope is appropriate,
and (at surveillance) the use of the certificate and marks. Pure: no Flask, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from certification.reports.models import ScopeVerdict

# 17021-1 9.6.2.2: a surveillance audit reviews the use of marks and references to certification.
MARKS_REQUIRED = ("surveillance1", "surveillance2")
# Before the first certificate there are no marks in use to report on.
MARKS_ASKED = (*MARKS_REQUIRED, "recertification", "special")


@dataclass(frozen=True)
class Assessment:
    plan_deviations: str = ""
    unresolved_issues: str = ""
    scope_verdict: str = ScopeVerdict.APPROPRIATE.value
    scope_comment: str = ""
    marks_use: str = ""

    def cleaned(self, audit_kind: str) -> Assessment:
        """Stripped texts; the marks statement kept only where the audit asks about it."""
        marks = self.marks_use.strip() if audit_kind in MARKS_ASKED else ""
        verdict = (self.scope_verdict or "").strip()
        comment = self.scope_comment.strip() if verdict == ScopeVerdict.NOT_APPROPRIATE else ""
        return Assessment(
            plan_deviations=self.plan_deviations.strip(),
            unresolved_issues=self.unresolved_issues.strip(),
            scope_verdict=verdict,
            scope_comment=comment,
            marks_use=marks,
        )


def assessment_problem(audit_kind: str, assessment: Assessment) -> tuple[str, str] | None:
    """The first thing missing from the lead auditor's statements, as (field, message)."""
    values = assessment.cleaned(audit_kind)
    if values.scope_verdict not in {v.value for v in ScopeVerdict}:
        return "scope_verdict", _(
            "ISO/IEC 17021-1 9.4.8: say whether the scope of certification is appropriate."
        )
    if values.scope_verdict == ScopeVerdict.NOT_APPROPRIATE and not values.scope_comment:
        return "scope_comment", _(
            "Say why the scope is not appropriate and how it should change: the committee "
            "decides on the scope."
        )
    if audit_kind in MARKS_REQUIRED and not values.marks_use:
        return "marks_use", _(
            "ISO/IEC 17021-1 9.6.2.2: a surveillance report states how the client uses the "
            "certificate and the body's marks."
        )
    return None
