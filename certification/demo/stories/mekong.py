"""Mekong Electronics JSC (Cần Thơ): both stages on the star scheme; the stage 2 report waits for
the committee."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from certification.demo.notes import DemoFinding, Facts
from certification.demo.onsite import (
    answer,
    figures,
    first_audits,
    follow_up,
    on_site,
    period,
    report,
    stage1_entries,
    stage2_entries,
    write_up,
)
from certification.demo.organisations import DemoOrg

ORGANISATION = DemoOrg(
    "Công ty Cổ phần Điện máy Mê Kông",
    "Mekong Electronics JSC",
    "VN",
    "Cần Thơ",
    "56 Đường Hòa Bình, Phường Tân An, Quận Ninh Kiều, Cần Thơ",
    "29",
    380,
    "vi",
    "USD",
    "Complaints handling for electronics stores, home delivery and after-sales repairs",
    "report_submitted",
    [("Cửa hàng Long Xuyên", "Long Xuyên", 40)],
    client_email="cskh@mekongdienmay.example.vn",
    scheme="csat-star",
    team=("nguyen.an@demo.test", "john.carter@demo.test"),
)

MEKONG = Facts(
    "procedure QT-CSKH-02 v3",
    "the helpdesk system",
    "MK",
    "the customer-care manager, Trần Thị Hoa",
)
MEKONG_STAGE1 = [
    DemoFinding(
        "4.5-a",
        "ofi",
        None,
        "Many customers write to the Zalo official account, which is not yet listed as a "
        "complaints channel; those messages are handled but not registered.",
        statement="Listing the Zalo official account as a complaints channel would bring the "
        "complaints received there into the register and its analysis.",
        requirement="ISO 10002:2018 4.5 (accessibility).",
    ),
]
MEKONG_STAGE2 = [
    DemoFinding(
        "6.4-b",
        "minor",
        2,
        "No training record for 4 of 10 customer-service agents sampled who joined since "
        "January; two of them could not describe the escalation route.",
        statement="Agents hired this year handle complaints without recorded training in the "
        "process.",
        requirement="ISO 10002:2018 6.4; QT-CSKH-02 v3 §4.3 (training before handling complaints).",
        answer=(
            "The 4 agents attended the complaints-handling course and passed its test; "
            "records filed.",
            "After the HR system changed in January the onboarding checklist for new agents "
            "no longer included the complaints module.",
            "Complaints module put back in the onboarding checklist; HR checks every month "
            "that each new agent completed it within 30 days and reports to the customer-care "
            "manager.",
            60,
        ),
        answered_days_ago=20,
        accepted="Accepted; the monthly HR check will be sampled at the first surveillance.",
        file=("training-records-new-agents.pdf", "Training records: new agents"),
    ),
    DemoFinding(
        "7.9-b",
        "minor",
        2,
        "8 of 12 final replies sampled that turned a claim down do not tell the customer of "
        "further options (mediation, the consumer protection authority).",
        statement="Final replies do not tell complainants what they can do if they are not "
        "satisfied.",
        requirement="ISO 10002:2018 7.9 (recourse offered when the outcome is not accepted).",
        answer=(
            "The 8 customers were sent a letter with the options open to them.",
            "The reply template for rejected warranty claims was written by the service "
            "centre and never checked against the procedure.",
            "All reply templates reviewed by the customer-care manager and approved centrally; "
            "the paragraph on further options is now a locked part of every final reply.",
            45,
        ),
        answered_days_ago=19,
        accepted="Accepted: the new templates were seen; use will be sampled at surveillance.",
    ),
    DemoFinding(
        "8.3-a",
        "ofi",
        3,
        "The SMS satisfaction survey gets 9% answers. A short call-back survey on a sample of "
        "closed complaints would give steadier results.",
        statement="A survey with more answers would measure complainants' satisfaction with "
        "the process more reliably.",
        requirement="ISO 10002:2018 8.3.",
    ),
]
# Maturity points of the star scheme where the team gave other than 3.
MEKONG_POINTS = {
    "stage1": {"4.14-a": 2, "6.2-b": 2, "8.5-a": 2, "8.6-b": 2, "4.8-a": 4},
    "stage2": {"4.8-a": 4, "4.10-a": 4, "7.2-a": 4, "7.4-a": 4, "7.3-a": 4, "8.2-b": 4},
}


def audits(spec: DemoOrg, org, client, staff, today: date) -> None:
    """Both stages on the star scheme; the stage 2 report waits for the committee."""
    from certification.reports.services import FiguresInput

    planner = staff["planner@demo.test"]
    team = [staff[email] for email in spec.team]
    stage1, stage2 = first_audits(org)
    day = today - timedelta(days=90)
    team = on_site(planner, team, stage1, day, 2, today - timedelta(days=135))
    entries = stage1_entries(stage1, MEKONG, MEKONG_STAGE1, MEKONG_POINTS["stage1"])
    answer(team, stage1, entries, today)
    write_up(team[0], stage1, MEKONG_STAGE1)
    figures(
        team[0], stage1, FiguresInput(*period(day), 4870, 4812, Decimal("3.0"), Decimal("78.0"))
    )
    report(
        team[0],
        stage1,
        day + timedelta(days=2),
        "Stage 1: procedure QT-CSKH-02 v3 and the helpdesk system cover all stores, "
        "delivery and repairs. Ready for stage 2.",
    )
    day = today - timedelta(days=30)
    team = on_site(planner, team, stage2, day, 3, today - timedelta(days=85))
    entries = stage2_entries(stage2, MEKONG, MEKONG_STAGE2, MEKONG_POINTS["stage2"])
    answer(team, stage2, entries, today)
    figures(
        team[1], stage2, FiguresInput(*period(day), 5034, 4990, Decimal("2.5"), Decimal("81.5"))
    )
    follow_up(team[0], client, stage2, MEKONG_STAGE2, today)
    report(
        team[0],
        stage2,
        today - timedelta(days=15),
        "Complaints handling is well established in the stores, delivery and the repair "
        "centre. Two minor nonconformities, both with accepted plans.",
    )
