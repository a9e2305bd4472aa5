"""Who may see an appeal: the appellant organisation's users, the staff who oversee appeals, and
the members of its panel (who decide it)."""

from __future__ import annotations

from certification.accounts.models import Role
from certification.appeals.models import Appeal

OVERSEEING = (Role.ADMIN, Role.PLANNER, Role.COMMITTEE)


def can_view_appeal(user, appeal: Appeal) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.CLIENT:
        return user.organisation_id == appeal.organisation_id
    return user.role in OVERSEEING or user.id in {m.user_id for m in appeal.panel}
