"""Which user a session cookie belongs to, and ending sessions server-side.

The cookie keeps "<user id>:<session nonce>". Logging out or changing the password gives the user
a new nonce, so a cookie copied before stops working at its next request.
"""

from __future__ import annotations

import hmac

from certification.accounts.models import User
from certification.extensions import db


def load_user(session_id: str) -> User | None:
    user_id, _, nonce = (session_id or "").partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(user_id))
    # A deactivated account loses its session at the next request, not at its next login.
    if user is None or not user.active:
        return None
    return user if hmac.compare_digest(user.session_nonce, nonce) else None
