"""The programme's refusals: the message is shown to the user as it is."""

from __future__ import annotations


class ProgrammeError(ValueError):
    """A refused programme action; the message is shown to the user as it is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message, self.field = message, field


class AssignmentRefused(ProgrammeError):
    """Someone picked for the team is unqualified or conflicted, without a written reason."""

    def __init__(self, refusals: dict[int, str]):
        super().__init__(" ".join(refusals.values()), field="team")
        self.refusals = refusals
