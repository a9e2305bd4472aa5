"""What auditors write: the facts of a client, findings and the routine notes of an audit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Facts:
    """What an auditor's notes about one client refer to."""

    procedure: str
    system: str
    prefix: str  # of the client's complaint numbers
    manager: str


@dataclass(frozen=True)
class DemoFinding:
    """A question graded as a finding, and what happened to it after the audit."""

    question: str
    grade: str
    points: int | None
    evidence: str
    statement: str = ""
    requirement: str = ""
    # (correction, root cause, action, days from the answer to the target date)
    answer: tuple[str, str, str, int] | None = None
    answered_days_ago: int = 0
    accepted: str | None = None  # the auditor's comment; None leaves the answer waiting
    file: tuple[str, str] | None = None  # (name, heading) of a PDF the client sends


# An auditor's notes for a conforming answer, by question: {procedure}, {system}, {manager};
# {a} and {b} are complaint numbers from the client's register.
ROUTINE_NOTES = {
    "4.1-a": "{procedure} §2 lists the guiding principles and who ensures each; {manager} and "
    "two agents described them in their own words.",
    "4.2-a": "Complaints policy signed by the CEO; complaints are a standing item of the weekly "
    "management meeting (minutes of the last 8 weeks seen).",
    "4.3-a": "Staffing planned against monthly volumes; 23 complaints open on the audit day, "
    "none past its target date.",
    "4.4-a": "Website complaints page, posters at the sites visited and the contract terms all "
    "describe the process of {procedure}.",
    "4.5-a": "Channels: hotline, e-mail, web form, in person and by post; each one seen in use "
    "in the register.",
    "4.5-b": "Agents write the complaint down for callers who cannot do it themselves; {a} "
    "was taken this way.",
    "4.6-a": "Acknowledged automatically by SMS or e-mail; urgent cases flagged in {system} "
    "and passed to the duty manager the same day ({b}).",
    "4.7-a": "Complaints about a staff member go to another unit; conflict-of-interest "
    "declarations of the complaints team seen.",
    "4.8-a": "Complaining costs nothing: free hotline, no fee in the tariff for complaints "
    "or appeals.",
    "4.9-a": "{system} keeps a trail of changes; only the administrator can delete a record "
    "(role list seen).",
    "4.10-a": "Privacy notice on the complaint form; access to records by role; complainants' "
    "data not used for marketing (checked with the data protection officer).",
    "4.11-a": "Complaints presented as feedback in the monthly team briefing; agents "
    "interviewed did not see complaints as blame.",
    "4.12-a": "Responsibility table in {procedure} annex B names an owner for each step; "
    "monthly report to the board.",
    "4.13-a": "Improving complaints handling is one of this year's business objectives, "
    "with an owner and a budget.",
    "4.14-a": "Competence matrix for the complaints team; refresher training twice a year, "
    "attendance lists seen.",
    "4.15-a": "Targets: acknowledge in 2 working days, answer in 15; 94% answered on time "
    "last quarter (KPI dashboard).",
    "5.1-a": "Context review of January lists interested parties and the regulator's "
    "complaint rules.",
    "5.1-b": "Scope in {procedure} §1 matches the certification scope: all sites and channels.",
    "5.2-a": "The CEO chairs the quarterly complaints review and approved two more agents "
    "this year.",
    "5.3-a": "Policy approved by the CEO and reviewed this year; commits to fair, free and "
    "timely handling.",
    "5.3-b": "Policy on the intranet and the public website; agents interviewed knew where "
    "to find it.",
    "5.4-a": "{procedure} §4 sets responsibilities for each step; people interviewed knew "
    "their part.",
    "5.4-b": "Front-line staff described how they pass a complaint on; matches {procedure} §5.",
    "5.4-c": "{manager} appointed by written order; duties and authority in the job description.",
    "6.1-a": "Process map links complaints with sales, collections and IT change management.",
    "6.2-a": "Measurable objectives per function (answer time, reopen rate, satisfaction) in "
    "the annual plan.",
    "6.2-b": "Objectives followed monthly; an action plan was opened when the reopen rate "
    "passed 5% in February.",
    "6.3-a": "Activities identified, including the outsourced call overflow; its contract "
    "sets the complaint duties.",
    "6.4-a": "Budget for the complaints team and {system} approved; resources discussed at "
    "the last management review.",
    "6.4-b": "Training records of 10 sampled agents complete, communication module included.",
    "7.1-a": "How to complain, what to give and the time limits: same on the website, "
    "leaflets and {procedure}.",
    "7.2-a": "Sampled {a} and {b}: recorded on receipt with a unique number, channel, "
    "customer and description.",
    "7.2-b": "Remedy asked for has its own field in {system}; filled in on all 10 files sampled.",
    "7.3-a": "Status history in {system} shows every step from receipt to closure on the "
    "files sampled.",
    "7.4-a": "Receipt confirmed within the target on the 10 files sampled.",
    "7.5-a": "Severity and urgency assessed on receipt; priority field filled on all files "
    "sampled.",
    "7.6-a": "Investigation in proportion to the case: {a} (billing error) has the account "
    "review attached.",
    "7.7-a": "Remedies offered and recorded; the repeated cause of {b} passed to the product "
    "owner.",
    "7.7-b": "Escalation to {manager} after 10 working days or at the customer's request; "
    "seen in {b}.",
    "7.8-a": "Decision letters sent to the complainant and the staff concerned; dates in "
    "{system} match.",
    "7.9-b": "Replies to customers who reject the outcome name the internal review and the "
    "external dispute-resolution body, and how to reach them (template L-03).",
    "7.9-c": "Rejected outcomes stay open until recourse ends or the customer is satisfied: "
    "{a} reopened on appeal and closed with the customer's written acceptance.",
    "8.1-a": "Records kept 5 years per the retention schedule; exports from {system} allow "
    "analysis.",
    "8.2-a": "Monthly analysis with trends by product and channel; last three reports seen.",
    "8.2-b": "Classified by product, cause, channel and severity; codes used consistently on "
    "the files sampled.",
    "8.3-a": "Satisfaction survey by SMS after closure; results reported monthly.",
    "8.4-a": "Process KPIs followed against targets at the monthly complaints meeting.",
    "8.5-a": "Internal audit of complaints handling done by a trained auditor from another "
    "department; report seen.",
    "8.5-b": "Audit results reported to management; both actions of the last audit closed.",
    "8.6-a": "Management review of last December covers the inputs of 8.6; minutes seen.",
    "8.6-b": "Review decisions recorded with owners and dates; three of four done, one on track.",
    "8.7-a": "Improvements this year: callback option on the hotline, plain-language reply "
    "templates.",
}

STAGE1_SOURCES = {
    "4": "the guiding principles are covered in {procedure} §2",
    "5": "context, policy and responsibilities documented in {procedure} §1 and §3-5",
    "6": "objectives and resources set in the annual complaints plan",
    "7": "the process steps are described in {procedure} §6 and set up in {system}",
    "8": "monitoring, analysis, internal audit and review are described in {procedure} §8",
}
STAGE1_TAILS = (
    "Implementation to be sampled at stage 2.",
    "Confirmed in the opening interview with {manager}.",
    "Records of the last quarter seen; ready for stage 2.",
)
