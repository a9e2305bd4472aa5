"""Human words for activity-log rows: what was done, to what, and the states on either side.

The log stores plain codes ("approve", "Quote", "issued"); these turn them into the reader's
language when a page is drawn, so a row written in Turkish reads in English the next day.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from certification import workflow
from certification.workflow import Action

# Subject type -> (label, endpoint of its page taking the id as the only argument, or None).
SUBJECTS = {
    "Organisation": (_l("Organisation"), "organisations.detail"),
    "Application": (_l("Application"), "applications.detail"),
    "Document": (_l("Document"), None),
    "Quote": (_l("Quote"), "quotes.detail"),
    "Cycle": (_l("Audit programme"), "programme.cycle"),
    "Audit": (_l("Audit"), "programme.audit"),
    "Finding": (_l("Finding"), "findings.detail"),
    "CorrectiveAction": (_l("Corrective action"), None),
    "Answer": (_l("Checklist answer"), None),
    "Attachment": (_l("Evidence file"), None),
    "AuditChecklist": (_l("Checklist"), None),
    "AuditFigures": (_l("Complaints figures"), None),
    "AuditReport": (_l("Audit report"), None),
    "Certificate": (_l("Certificate"), "certificates.detail"),
    "Decision": (_l("Committee decision"), None),
    "User": (_l("User"), None),
    "ConflictOfInterest": (_l("Conflict of interest"), None),
    "AuditorQualification": (_l("Qualification"), None),
    "AuditPlan": (_l("Audit plan"), "plans.detail"),
    "AgreementAcceptance": (_l("Certification agreement"), None),
    "AgreementVersion": (_l("Certification agreement"), None),
    "MarkFile": (_l("Mark file"), None),
    "Accreditation": (_l("Accreditation"), "accreditations.edit"),
    "TrainingRecord": (_l("Training"), None),
    "WitnessedAudit": (_l("Witnessed audit"), None),
    "PerformanceEvaluation": (_l("Performance evaluation"), None),
    "Complaint": (_l("Complaint"), "complaints.detail"),
    "ComplaintAttachment": (_l("File sent with a complaint"), None),
    "Appeal": (_l("Appeal"), "appeals.detail"),
    "AppealAttachment": (_l("File sent with an appeal"), None),
    "Transfer": (_l("Transfer of certification"), "transfers.detail"),
    "ImpartialityRisk": (_l("Impartiality risk"), None),
    "ImpartialityReview": (_l("Impartiality committee review"), None),
    "Declaration": (_l("Confidentiality and impartiality declaration"), None),
}

STATES = {
    "Application": workflow.ApplicationState,
    "Quote": workflow.QuoteState,
    "Audit": workflow.AuditState,
    "Finding": workflow.FindingState,
    "Certificate": workflow.CertificateState,
    "AuditPlan": workflow.PlanState,
    "Complaint": workflow.ComplaintState,
    "Appeal": workflow.AppealState,
    "Transfer": workflow.TransferState,
}

ACTIONS = {
    "organisation_registered": _l("Organisation registered"),
    "organisation_updated": _l("Organisation details changed"),
    "document_uploaded": _l("Document uploaded"),
    "quote_prepared": _l("Quote prepared"),
    "quote_revised": _l("Draft quote changed"),
    "programme_created": _l("Audit programme created"),
    "assignment_override": _l("Team member picked despite a warning"),
    "user_created": _l("User account created"),
    "user_updated": _l("User account changed"),
    "password_changed": _l("Password changed"),
    "invitation_link_issued": _l("Invitation link made"),
    "reset_link_issued": _l("Password reset link made"),
    "password_set_from_link": _l("Password set from a link"),
    "password_reset_requested": _l("New password asked for"),
    "two_factor_enabled": _l("Two-factor sign-in turned on"),
    "two_factor_disabled": _l("Two-factor sign-in turned off"),
    "recovery_code_used": _l("Recovery code used to sign in"),
    "conflict_added": _l("Conflict of interest recorded"),
    "conflict_removed": _l("Conflict of interest removed"),
    "qualification_added": _l("Qualification added"),
    "qualification_removed": _l("Qualification removed"),
    "qualification_updated": _l("Qualification renewed or corrected"),
    "training_recorded": _l("Training recorded"),
    "training_removed": _l("Training removed"),
    "witnessed_audit_recorded": _l("Witnessed audit recorded"),
    "witnessed_audit_removed": _l("Witnessed audit removed"),
    "evaluation_recorded": _l("Performance evaluation recorded"),
    "evaluation_updated": _l("Performance evaluation corrected"),
    "settings_updated": _l("Settings changed"),
    "leave_added": _l("Unavailable days recorded"),
    "leave_removed": _l("Unavailable days removed"),
    "answer_graded": _l("Checklist question graded"),
    "attachment_added": _l("Evidence file added"),
    "attachment_removed": _l("Evidence file removed"),
    "workbook_uploaded": _l("Offline checklist workbook uploaded"),
    "finding_raised": _l("Finding raised"),
    "finding_regraded": _l("Finding regraded"),
    "finding_removed": _l("Finding removed"),
    "finding_edited": _l("Finding written up"),
    "figures_recorded": _l("Complaints figures recorded"),
    "made_confidential": _l("Certificate made confidential"),
    "made_public": _l("Certificate made public"),
    "decided": _l("Certification decision taken"),
    "certificate_issued": _l("Certificate issued"),
    "certificate_revised": _l("Certificate revised (new scope)"),
    "certificate_renewed": _l("Certificate renewed"),
    "band_revised": _l("Rating band revised (new certificate revision)"),
    "certificate_restored": _l("Certificate restored after its lapse (new revision)"),
    "stage_repeated": _l("Stage to be conducted again"),
    "renewal_personnel_declared": _l("Personnel declared for renewal"),
    "surveillance_overdue": _l("Surveillance overdue: flagged for the committee"),
    "audit_overdue": _l("Audit not held by its due date: flagged for the committee"),
    "late_exception": _l("Scheduled after its due date: justified exception"),
    "suspension_limit_passed": _l("Suspension past its limit: flagged for the committee"),
    "complaint_received": _l("Complaint received"),
    "complaint_client_informed": _l("The certified client was told of the complaint"),
    "complaint_client_responded": _l("The certified client answered the complaint"),
    "complaint_rated": _l("The complainant rated the handling"),
    "appeal_lodged": _l("Appeal lodged"),
    "appeal_stays_decision": _l("The decision is suspended while the appeal is reviewed"),
    "transfer_applied": _l("Transfer of certification applied for"),
    "risk_recorded": _l("Impartiality risk recorded"),
    "risk_reviewed": _l("Impartiality risk reviewed"),
    "risk_changed": _l("Impartiality risk changed"),
    "impartiality_review_recorded": _l("Impartiality committee review recorded"),
    "declaration_signed": _l("Declaration signed"),
    Action.APPROVE.value: _l("Approved"),
    Action.REJECT.value: _l("Rejected"),
    Action.CONTRACT.value: _l("Contracted"),
    Action.WITHDRAW.value: _l("Withdrawn"),
    Action.ISSUE.value: _l("Issued"),
    Action.ACCEPT.value: _l("Accepted"),
    Action.EXPIRE.value: _l("Expired"),
    Action.SCHEDULE.value: _l("Scheduled"),
    Action.RESCHEDULE.value: _l("Rescheduled"),
    Action.START.value: _l("Started"),
    Action.SUBMIT.value: _l("Submitted"),
    Action.RETURN.value: _l("Returned for information"),
    Action.CLOSE.value: _l("Closed"),
    Action.CONCLUDE.value: _l("Stage 1 concluded"),
    Action.CANCEL.value: _l("Cancelled"),
    Action.ANSWER.value: _l("Answered"),
    Action.ACCEPT_PLAN.value: _l("Action plan accepted"),
    Action.REJECT_ANSWER.value: _l("Answer rejected"),
    Action.VERIFY.value: _l("Verified"),
    Action.SUSPEND.value: _l("Suspended"),
    Action.RESTORE.value: _l("Restored"),
    Action.SUPERSEDE.value: _l("Superseded"),
    Action.RENEW.value: _l("Renewed"),
    "plan_prepared": _l("Audit plan prepared"),
    "agreement_accepted": _l("Certification agreement accepted"),
    "agreement_published": _l("Certification agreement published"),
    "mark_file_added": _l("Mark file added"),
    "accreditation_saved": _l("Accreditation saved"),
    "mark_file_removed": _l("Mark file removed"),
    "plan_updated": _l("Audit plan changed"),
    "plan_revised": _l("New version of the audit plan"),
    Action.SEND.value: _l("Sent to the client"),
    Action.CONFIRM.value: _l("Confirmed by the client"),
    Action.REQUEST_CHANGE.value: _l("Change asked by the client"),
    Action.REINSTATE.value: _l("Reinstated on appeal"),
    Action.REOPEN.value: _l("Reopened for the committee after an appeal"),
    Action.ACKNOWLEDGE.value: _l("Acknowledged"),
    Action.ASSESS.value: _l("Initial assessment recorded"),
    Action.DISMISS.value: _l("Answered and closed as not a complaint"),
    Action.ASSIGN.value: _l("Investigator appointed"),
    Action.PROPOSE.value: _l("Decision proposed"),
    Action.RESPOND.value: _l("Answer sent"),
    Action.CONTEST.value: _l("Outcome not accepted: appeal and recourse explained"),
    Action.APPOINT_PANEL.value: _l("Appeal panel appointed"),
    Action.UPHOLD.value: _l("Appeal upheld"),
    Action.REVIEW.value: _l("Pre-transfer review recorded"),
    Action.GRANT.value: _l("Transfer granted"),
}

# The same code means different things for different subjects.
SUBJECT_ACTIONS = {
    ("Application", "created"): _l("Application submitted"),
    ("Quote", Action.ISSUE.value): _l("Quote sent to the client"),
    ("Complaint", Action.APPROVE.value): _l("Decision on the complaint approved"),
    ("Complaint", Action.RETURN.value): _l("Sent back to the investigator"),
    ("Complaint", Action.ACCEPT.value): _l("Outcome accepted by the complainant"),
    ("Complaint", Action.CLOSE.value): _l("Complaint closed"),
    ("Appeal", Action.REJECT.value): _l("Appeal rejected"),
    ("Appeal", Action.WITHDRAW.value): _l("Appeal withdrawn"),
    ("Transfer", Action.REJECT.value): _l("Transfer refused"),
    ("Transfer", Action.WITHDRAW.value): _l("Transfer withdrawn"),
}


def _readable(code: str) -> str:
    return (code or "").replace("_", " ").strip().capitalize()


def _folded(action: str, count: int) -> str | None:
    """The label of an entry folding `count` rows of a checklist's detail work."""
    if action == "answer_graded":
        return ngettext(
            "%(num)d checklist question graded", "%(num)d checklist questions graded", count
        )
    if action == "attachment_added":
        return ngettext("%(num)d evidence file added", "%(num)d evidence files added", count)
    if action == "attachment_removed":
        return ngettext("%(num)d evidence file removed", "%(num)d evidence files removed", count)
    return None


def action_label(entry) -> str:
    count = getattr(entry, "count", 1)
    if isinstance(count, int) and count > 1 and (folded := _folded(entry.action, count)):
        return folded
    label = SUBJECT_ACTIONS.get((entry.subject_type, entry.action)) or ACTIONS.get(entry.action)
    return str(label) if label is not None else _readable(entry.action)


def subject_label(entry) -> str:
    label, _endpoint = SUBJECTS.get(entry.subject_type, (None, None))
    return str(label) if label is not None else _readable(entry.subject_type)


def subject_endpoint(entry) -> str | None:
    return SUBJECTS.get(entry.subject_type, (None, None))[1]


def state_label(entry, value: str | None) -> str:
    """The label of a state in the subject's own lifecycle ("issued" of a quote: sent)."""
    if not value:
        return ""
    lifecycle = STATES.get(entry.subject_type)
    try:
        return lifecycle(value).label if lifecycle else _readable(value)
    except ValueError:
        return _readable(value)


def register(app) -> None:
    """Expose the labels to every template (the timeline include is used across domains)."""
    app.jinja_env.globals.update(
        activity_action=action_label,
        activity_subject=subject_label,
        activity_subject_endpoint=subject_endpoint,
        activity_state=state_label,
    )
