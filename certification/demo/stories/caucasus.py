"""Caucasus Microfinance JSC (Tbilisi): stage 1 with the committee; stage 2 done on site, its
findings being answered by the client."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from certification.demo.notes import DemoFinding, Facts
from certification.demo.onsite import (
    answer,
    attach,
    figures,
    first_audits,
    follow_up,
    on_site,
    period,
    photo,
    report,
    stage1_entries,
    stage2_entries,
    write_up,
)
from certification.demo.organisations import DemoOrg

ORGANISATION = DemoOrg(
    "სს „კავკასიის მიკროსაფინანსო ორგანიზაცია“",
    "Caucasus Microfinance JSC",
    "GE",
    "თბილისი",
    "დავით აღმაშენებლის გამზ. 154, თბილისი 0112",
    "32",
    240,
    "ka",
    "EUR",
    "Complaints handling for microloan borrowers at branches, the call centre and online",
    "stage2_in_progress",
    [("ქუთაისის ფილიალი", "ქუთაისი", 35), ("რუსთავის ფილიალი", "რუსთავი", 25)],
    client_email="complaints@caucasusmfo.example.ge",
    team=("nino.beridze@demo.test", "auditor@demo.test"),
)

CAUCASUS = Facts(
    "procedure CP-04 rev. 5",
    "the complaints module of the loan system",
    "CMF",
    "the complaints manager, Tamar Kapanadze",
)
CAUCASUS_STAGE1 = [
    DemoFinding(
        "8.5-a",
        "observation",
        None,
        "The first internal audit of complaints handling is planned for May and not done yet. "
        "To be seen at stage 2.",
        statement="No internal audit of the complaints-handling process has been done yet; "
        "the first is planned for May.",
        requirement="ISO 10002:2018 8.5 (internal audits at planned intervals).",
    ),
]
# The call log book at a branch: calls written down there that the register never saw.
CAUCASUS_PHOTO = ("kutaisi-call-log.jpg", "Kutaisi branch · ქუთაისი: phone log, week 11")
CAUCASUS_STAGE2 = [
    DemoFinding(
        "7.2-a",
        "major",
        None,
        "30 complaints received by phone at the Kutaisi and Rustavi branches last quarter "
        "compared with the branch call logs: 11 of 30 are not in the complaints module. Branch "
        "staff solved them on the phone and kept no record. Same gap at both branches visited.",
        statement="Complaints received by telephone at the branches are not recorded, so "
        "they are not tracked, analysed or reported.",
        requirement="ISO 10002:2018 7.2; procedure CP-04 rev. 5 §6.1 (every complaint is "
        "registered on receipt).",
        answer=(
            "The 11 complaints found were entered in the complaints module and every "
            "complainant was called back: 9 confirmed satisfied, 2 are open and tracked.",
            "Branch staff were trained on written and online complaints only, and the system "
            "had no quick form for calls, so calls solved at once were thought to need no "
            "record. The branch scorecard counted recorded complaints against the branch.",
            "Quick phone-complaint form added to the system (release 4.2); all 38 branch staff "
            "retrained; the scorecard now counts complaints resolved, not received; for six "
            "months the complaints manager reconciles branch call logs with the register "
            "every month.",
            45,
        ),
        answered_days_ago=6,
        accepted="The plan addresses the cause at every branch. The release notes, the "
        "training records and the first monthly reconciliations will be verified by document "
        "review before the target date.",
        file=("branch-retraining-plan.pdf", "Branch retraining plan: phone complaints"),
    ),
    DemoFinding(
        "8.5-a",
        "minor",
        None,
        "The internal audit of complaints handling (report IA-03, May) was done by the "
        "complaints manager, who audited her own process.",
        statement="The internal auditor was not independent of the activity audited.",
        requirement="ISO 10002:2018 8.5 (auditors independent of the activity audited).",
        answer=(
            "An auditor from the credit risk department audited complaints handling again; "
            "report IA-07 attached.",
            "Procedure IA-01 let process owners audit their own area when no other trained "
            "auditor was free, and only two staff were trained as internal auditors.",
            "Two more staff trained as internal auditors; IA-01 now forbids auditing one's own "
            "work; next year's audit programme names an independent auditor for every process.",
            75,
        ),
        answered_days_ago=1,
        file=("internal-audit-IA-07.pdf", "Internal audit report IA-07"),
    ),
    DemoFinding(
        "7.4-a",
        "observation",
        None,
        "Target: acknowledge within 2 working days (CP-04 §6.3). 3 of 25 online complaints "
        "sampled were acknowledged on day 4 or 5, all in the week of the system upgrade in "
        "March. No later cases found; keep watching.",
        statement="Some online complaints were acknowledged later than the procedure "
        "requires while the system was being upgraded.",
        requirement="ISO 10002:2018 7.4; procedure CP-04 rev. 5 §6.3 (acknowledgement within "
        "2 working days).",
    ),
    DemoFinding(
        "8.2-a",
        "ofi",
        None,
        "The monthly analysis counts complaints by product and branch only. Classifying them "
        "by cause (fee disclosure, repayment schedule, collection calls) would show which "
        "products and scripts cause complaints.",
        statement="Analysing complaints by cause, not only by product and branch, would help "
        "find and remove the causes of recurring complaints.",
        requirement="ISO 10002:2018 8.2.",
    ),
]


def audits(spec: DemoOrg, org, client, staff, today: date) -> None:
    """Stage 1 with the committee; stage 2 done on site, its findings being answered."""
    from certification.reports.services import FiguresInput

    planner = staff["planner@demo.test"]
    team = [staff[email] for email in spec.team]
    stage1, stage2 = first_audits(org)
    day = today - timedelta(days=100)
    team = on_site(planner, team, stage1, day, 2, today - timedelta(days=135))
    entries = stage1_entries(stage1, CAUCASUS, CAUCASUS_STAGE1, {})
    answer(team, stage1, entries, today)
    write_up(team[0], stage1, CAUCASUS_STAGE1)
    figures(
        team[0], stage1, FiguresInput(*period(day), 1184, 1139, Decimal("6.5"), Decimal("71.0"))
    )
    report(
        team[0],
        stage1,
        day + timedelta(days=3),
        "Stage 1: the complaints-handling system is documented and in use at the head "
        "office and both branches. Ready for stage 2; the internal audit must be done "
        "before it.",
    )
    day = today - timedelta(days=14)
    team = on_site(planner, team, stage2, day, 3, today - timedelta(days=95))
    entries = stage2_entries(stage2, CAUCASUS, CAUCASUS_STAGE2, {})
    answer(team, stage2, entries, today)
    attach(
        team[0],
        stage2,
        "7.2-a",
        ("branch-call-log-sample.pdf", "Sample: branch call logs against the register"),
    )
    photo(team[0], stage2, "7.2-a", CAUCASUS_PHOTO)
    figures(
        team[1], stage2, FiguresInput(*period(day), 1262, 1240, Decimal("5.0"), Decimal("74.5"))
    )
    follow_up(team[0], client, stage2, CAUCASUS_STAGE2, today)
