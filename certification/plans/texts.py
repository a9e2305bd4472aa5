"""The words a new audit plan starts with, in the plan's language (the planner edits them)."""

from __future__ import annotations

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from certification.plans.rules import SiteSelection

# 17021-1 9.3.1.2, 9.3.1.3, 9.6.2, 9.6.3, 9.6.4: what each audit is for.
_OBJECTIVES = {
    "stage1": lambda: _(
        "Review the documented complaints-handling management system, the site conditions and "
        "the organisation's readiness for stage 2, and plan stage 2 (ISO/IEC 17021-1 9.3.1.2)."
    ),
    "stage2": lambda: _(
        "Evaluate the implementation and effectiveness of the complaints-handling management "
        "system against the audit criteria, and recommend on certification "
        "(ISO/IEC 17021-1 9.3.1.3)."
    ),
    "surveillance": lambda: _(
        "Confirm that the certified complaints-handling management system still meets the audit "
        "criteria: changes, previous findings, complaints received, the use of the certificate "
        "and marks (ISO/IEC 17021-1 9.6.2)."
    ),
    "recertification": lambda: _(
        "Confirm the continued conformity and effectiveness of the complaints-handling "
        "management system as a whole over the cycle, and recommend on renewal "
        "(ISO/IEC 17021-1 9.6.3)."
    ),
    "special": lambda: _(
        "Audit the change or the matter that gave rise to this special audit "
        "(ISO/IEC 17021-1 9.6.4)."
    ),
}
_GROUP = {"surveillance1": "surveillance", "surveillance2": "surveillance"}


def objectives(kind: str, language: str) -> str:
    with force_locale(language):
        return _OBJECTIVES[_GROUP.get(kind, kind)]()


def confidentiality(language: str) -> str:
    with force_locale(language):
        return _(
            "The audit team keeps confidential everything it sees and hears at the organisation "
            "(ISO/IEC 17021-1 8.4). Records stay with the certification body and are shown only "
            "to those who need them for the certification."
        )


def client_documents(names: list[str], language: str) -> str:
    if names:
        return "\n".join(names)
    with force_locale(language):
        return _("The organisation's complaints-handling policy, procedures and records.")


def sampling_statement(selection: SiteSelection, language: str) -> str:
    """How the sites were chosen, in words the client and an assessor can check (IAF MD 1)."""
    others = len(selection.chosen) - 1
    with force_locale(language):
        if selection.random_pool == "all" and selection.random_count == 0:
            return ngettext(
                "No sampling: with %(num)d site besides the central function, every site is "
                "audited (IAF MD 1).",
                "No sampling: every one of the %(num)d sites besides the central function is "
                "audited (IAF MD 1).",
                others,
            )
        pool = (
            _("among the sites not yet visited in this cycle")
            if selection.random_pool == "unvisited"
            else _("among all the other sites")
        )
        sample = ngettext(
            "IAF MD 1 sample: the central function and %(num)d other site.",
            "IAF MD 1 sample: the central function and %(num)d other sites.",
            others,
        )
        drawn = ngettext(
            "%(num)d of them was drawn at random %(pool)s by a computer draw "
            "(seed %(seed)s; the same seed gives the same draw).",
            "%(num)d of them were drawn at random %(pool)s by a computer draw "
            "(seed %(seed)s; the same seed gives the same draw).",
            selection.random_count,
            pool=pool,
            seed=selection.seed,
        )
        rest = _(
            "The others were chosen so that different sites are seen over the cycle: sites not "
            "yet visited first, the largest first."
        )
        return f"{sample} {drawn} {rest}"


def opening(language: str) -> str:
    with force_locale(language):
        return _("Opening meeting")


def closing(language: str) -> str:
    with force_locale(language):
        return _("Closing meeting: findings and conclusions")


def blocks(kind: str, site_names: list[str], language: str) -> list[tuple[str, str]]:
    """The timetable's lines between the meetings: processes and clauses of ISO 10002."""
    with force_locale(language):
        if kind == "stage1":
            lines = [
                (
                    _("Documented complaints-handling system: policy, objectives, procedures"),
                    "5, 6",
                ),
                (_("Readiness: the complaints-handling process and its records"), "7"),
                (_("Monitoring, internal audit and management review; planning of stage 2"), "8"),
            ]
        else:
            lines = [
                (_("Guiding principles, leadership and commitment"), "4, 5"),
                (_("Planning, objectives and resources"), "6"),
                (_("The complaints-handling process, from receipt to closure"), "7.1–7.9"),
                (_("Maintenance and improvement: analysis, satisfaction, monitoring, review"), "8"),
            ]
        if kind in ("surveillance1", "surveillance2", "recertification"):
            lines.append((_("Changes, previous findings, use of the certificate and marks"), ""))
        lines += [(_("Visit of the site: %(site)s", site=name), "7") for name in site_names]
        lines.append((_("Audit team review and preparation of the conclusions"), ""))
        return lines
