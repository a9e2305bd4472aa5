"""The one table of allowed transitions: legal moves, refused moves, terminal states, labels."""

import pytest

from certification.workflow import (
    TRANSITIONS,
    Action,
    AppealState,
    ApplicationState,
    AuditState,
    CertificateState,
    ComplaintState,
    FindingState,
    QuoteState,
    TransferState,
    TransitionError,
    allowed_actions,
    already_done,
    next_state,
)

A, Q, U, F, C = ApplicationState, QuoteState, AuditState, FindingState, CertificateState
K, P, T = ComplaintState, AppealState, TransferState
INITIAL_STATES = {
    A.SUBMITTED,
    Q.DRAFT,
    U.PLANNED,
    F.OPEN,
    C.ACTIVE,
    K.RECEIVED,
    P.LODGED,
    T.RECEIVED,
}
LIFECYCLES = (A, Q, U, F, C, K, P, T)


@pytest.mark.parametrize(
    "state, action, expected",
    [
        (A.SUBMITTED, Action.APPROVE, A.APPROVED),
        (A.APPROVED, Action.CONTRACT, A.CONTRACTED),
        (Q.ISSUED, Action.ACCEPT, Q.ACCEPTED),
        (Q.ISSUED, Action.EXPIRE, Q.EXPIRED),
        (U.SCHEDULED, Action.RESCHEDULE, U.SCHEDULED),
        (U.SUBMITTED, Action.RETURN, U.RETURNED),
        (U.RETURNED, Action.SUBMIT, U.SUBMITTED),
        (F.ANSWER_REJECTED, Action.ANSWER, F.ANSWERED),
        (F.PLAN_ACCEPTED, Action.VERIFY, F.CLOSED),
        (C.SUSPENDED, Action.RESTORE, C.ACTIVE),
        (C.EXPIRED, Action.RESTORE, C.ACTIVE),  # 17021-1 9.6.3.2.5: within 6 months
        (C.WITHDRAWN, Action.REINSTATE, C.ACTIVE),  # 17021-1 9.8: a withdrawal upheld on appeal
        (U.CLOSED, Action.REOPEN, U.SUBMITTED),  # the decision re-taken after an appeal
        (K.ANSWERED, Action.CONTEST, K.IN_RECOURSE),  # ISO 10002 7.9: stays open
        (K.DECISION_PROPOSED, Action.RETURN, K.INVESTIGATING),
        (K.INVESTIGATING, Action.ASSIGN, K.INVESTIGATING),  # another investigator
        (P.UNDER_REVIEW, Action.UPHOLD, P.UPHELD),
        (T.REVIEWED, Action.GRANT, T.TRANSFERRED),
    ],
)
def test_legal_moves(state, action, expected):
    result = next_state(state, action)
    assert result is expected


@pytest.mark.parametrize(
    "state, action",
    [
        (C.WITHDRAWN, Action.RESTORE),  # withdrawal is final, short of an upheld appeal
        (K.RECEIVED, Action.ASSESS),  # ISO 10002: acknowledged first
        (K.ASSESSED, Action.RESPOND),  # no answer without investigation and approval
        (K.DECISION_PROPOSED, Action.RESPOND),  # nor without approval
        (K.IN_RECOURSE, Action.ACCEPT),
        (P.LODGED, Action.UPHOLD),  # the panel first
        (T.RECEIVED, Action.GRANT),  # the pre-transfer review first
        (C.SUSPENDED, Action.SUSPEND),
        (C.SUSPENDED, Action.SUPERSEDE),  # a suspended certificate is not renewed in place
        (F.OPEN, Action.VERIFY),  # a finding needs an answer before it can be verified
        (Q.ACCEPTED, Action.WITHDRAW),
        (Q.DRAFT, Action.ACCEPT),  # the client accepts only a quote it was sent
        (U.CLOSED, Action.SUBMIT),
        (U.PLANNED, Action.START),  # dates and team first
        (A.REJECTED, Action.APPROVE),
    ],
)
def test_refused_moves_raise_transition_error(state, action):
    with pytest.raises(TransitionError) as raised:
        next_state(state, action)
    assert str(raised.value) == f"cannot {action.value} when {state.value}"
    assert (raised.value.state, raised.value.action) == (state, action)


@pytest.mark.parametrize(
    "state, action, done",
    [
        (Q.ACCEPTED, Action.ACCEPT, True),  # a double click on "accept"
        (U.CLOSED, Action.CLOSE, True),  # a second "grant" on a decided file
        (A.APPROVED, Action.APPROVE, True),
        (F.PLAN_ACCEPTED, Action.ACCEPT_PLAN, True),
        (C.SUSPENDED, Action.SUSPEND, True),
        (C.WITHDRAWN, Action.WITHDRAW, True),
        (Q.REJECTED, Action.ACCEPT, False),  # refused for another reason: not "already done"
        (U.CANCELLED, Action.START, False),
        (C.WITHDRAWN, Action.RESTORE, False),
        (A.WITHDRAWN, Action.CLOSE, False),  # another lifecycle's "withdrawn"/"closed"
        (U.SUBMITTED, Action.SUBMIT, True),
        (A.SUBMITTED, Action.SUBMIT, False),  # applications have no "submit" move
    ],
)
def test_already_done_tells_a_repeated_move_from_a_refused_one(state, action, done):
    assert already_done(state, action) is done
    assert TransitionError(state, action).already_done is done


@pytest.mark.parametrize(
    "state",
    [A.REJECTED, A.WITHDRAWN, A.CONTRACTED, Q.ACCEPTED, Q.REJECTED, Q.EXPIRED, Q.WITHDRAWN,
     U.CANCELLED, F.CLOSED, C.SUPERSEDED, K.CLOSED, K.DISMISSED, P.UPHELD, P.REJECTED,
     P.WITHDRAWN, T.TRANSFERRED, T.REFUSED, T.WITHDRAWN],
)  # fmt: skip
def test_terminal_states_allow_nothing(state):
    assert allowed_actions(state) == []


def test_allowed_actions_of_a_suspended_certificate():
    assert set(allowed_actions(C.SUSPENDED)) == {Action.RESTORE, Action.WITHDRAW, Action.EXPIRE}


def test_allowed_actions_do_not_leak_between_lifecycles_sharing_a_value():
    # "submitted" is both an application and an audit state.
    assert set(allowed_actions(U.SUBMITTED)) == {Action.RETURN, Action.CLOSE}
    assert set(allowed_actions(A.SUBMITTED)) == {Action.APPROVE, Action.REJECT, Action.WITHDRAW}


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda e: e.__name__)
def test_every_move_stays_in_its_lifecycle(lifecycle):
    for (state, _action), target in TRANSITIONS.items():
        if type(state) is lifecycle:
            assert type(target) is lifecycle, (state, target)


@pytest.mark.parametrize("lifecycle", LIFECYCLES, ids=lambda e: e.__name__)
def test_every_state_but_the_first_is_reachable(lifecycle):
    targets = {target for target in TRANSITIONS.values() if type(target) is lifecycle}
    unreachable = {s for s in lifecycle if s not in INITIAL_STATES and s not in targets}
    assert unreachable == set()


@pytest.mark.parametrize(
    "state, action",
    [
        (U.SUBMITTED, Action.APPROVE),  # would give ApplicationState.APPROVED
        (U.SUBMITTED, Action.WITHDRAW),  # would give ApplicationState.WITHDRAWN
        (A.SUBMITTED, Action.CLOSE),  # would give AuditState.CLOSED
        (Q.EXPIRED, Action.RESTORE),  # would give CertificateState.ACTIVE
    ],
)
def test_a_move_of_another_lifecycle_is_refused(state, action):
    with pytest.raises(TransitionError):
        next_state(state, action)


@pytest.mark.parametrize(
    "state, label",
    [
        (A.APPROVED, "Review passed"),
        (Q.ISSUED, "Sent to client"),
        (U.RETURNED, "Returned for information"),
        (U.SUBMITTED, "Report submitted"),
        (F.CLOSED, "Verified closed"),
        (C.SUSPENDED, "Suspended"),
    ],
)
def test_states_have_human_labels(state, label):
    assert state.label == label


@pytest.mark.parametrize(
    "state, label",
    [
        (A.SUBMITTED, "Submitted"),  # shows "Report submitted" (the audit's label)
        (U.CLOSED, "Closed"),  # shows "Verified closed" (the finding's label)
    ],
)
def test_labels_of_states_sharing_a_value_stay_apart(state, label):
    assert state.label == label
