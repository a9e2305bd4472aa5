"""The certificate's verbs, in one place for the views, the CLI and the committee's decisions.

Issuing (grant, renewal, revision) lives in issuing.py; the life after issue (suspension,
restoration, withdrawal, confidentiality, the nightly sweep) in lifecycle.py.
"""

from certification.certificates.issuing import (
    RENEWAL_TYPE,
    TRANSFER_TYPE,
    issue_certificate,
    issue_transferred_certificate,
    renew_certificate,
    rerate_certificate,
    restore_expired_certificate,
    revise_certificate,
)
from certification.certificates.lifecycle import (
    CertificateError,
    SweepResult,
    current_certificate,
    overdue_audits,
    reinstate_certificate,
    restore_certificate,
    suspend_certificate,
    sweep,
    toggle_confidentiality,
    withdraw_certificate,
)

__all__ = [
    "RENEWAL_TYPE",
    "TRANSFER_TYPE",
    "CertificateError",
    "SweepResult",
    "current_certificate",
    "issue_certificate",
    "overdue_audits",
    "issue_transferred_certificate",
    "reinstate_certificate",
    "renew_certificate",
    "rerate_certificate",
    "restore_certificate",
    "restore_expired_certificate",
    "revise_certificate",
    "suspend_certificate",
    "sweep",
    "toggle_confidentiality",
    "withdraw_certificate",
]
