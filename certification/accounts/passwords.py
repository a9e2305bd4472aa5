"""The password policy, and the same work for an unknown email as for a known one.

Length alone lets "password123" through: zxcvbn estimates how guessable a password is from its
lists of common passwords, names and words, keyboard runs, repeats, dates and sequences.
"""

from __future__ import annotations

import re
from functools import lru_cache

from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

MIN_LENGTH = 10
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" for online attacks
ANALYSED_LENGTH = 72  # zxcvbn's own limit; a longer password is judged by its first part
MIN_OWN_PART = 6  # letters and digits left once the person's name and email are taken out


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Why `password` is refused, or None. `user_inputs`: the person's name, email and so on."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return ngettext(
            "The password needs at least %(num)d character.",
            "The password needs at least %(num)d characters.",
            MIN_LENGTH,
        )
    words = [w for text in user_inputs for w in re.split(r"[\W_]+", text.lower()) if len(w) > 2]
    if (
        _rest_without(password, words) < MIN_OWN_PART
        or zxcvbn(password[:ANALYSED_LENGTH], user_inputs=words)["score"] < MIN_SCORE
    ):
        return _(
            "This password is too easy to guess: it is a common password, or made of a name, "
            "a word, a date, a keyboard run or repeats. Choose a longer one, for example "
            "several unrelated words."
        )
    return None


def _rest_without(password: str, words: list[str]) -> int:
    """How many letters and digits remain once the person's own words are removed."""
    rest = re.sub(r"[\W_]+", "", password.lower())
    for word in sorted(words, key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(rest)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash("no account has this password")


def check_or_pretend(password_hash: str | None, password: str) -> bool:
    """Check a password; for an unknown account hash a dummy so the answer takes as long."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)
