"""The names of the 17021-1 9.2.3 items of a plan, for refusals and pages."""

from flask_babel import lazy_gettext as _l

ITEM_LABELS = {
    "objectives": _l("the audit objectives"),
    "scope": _l("the audit scope"),
    "criteria": _l("the audit criteria"),
    "dates": _l("the dates"),
    "sites": _l("the sites to visit"),
    "timetable": _l("the timetable"),
    "team": _l("the audit team with its lead auditor"),
    "representative": _l("the client's representative"),
    "language": _l("the language of the audit"),
    "confidentiality": _l("the confidentiality statement"),
}
