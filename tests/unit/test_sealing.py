"""Two-factor secrets sealed at rest: only the configured keys open them, and keys can rotate."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from certification.accounts import sealing


def test_a_sealed_secret_opens_with_the_same_secret_key_only():
    sealed = sealing.seal("JBSWY3DPEHPK3PXP", {"SECRET_KEY": "one"})
    assert "JBSWY3DPEHPK3PXP" not in sealed and sealing.is_sealed(sealed)
    assert sealing.unseal(sealed, {"SECRET_KEY": "one"}) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(sealing.Unsealable):
        sealing.unseal(sealed, {"SECRET_KEY": "two"})


def test_the_key_of_its_own_is_not_the_secret_key_itself():
    assert sealing.derived_key("one") != sealing.derived_key("two")
    assert b"one" not in sealing.derived_key("one")


def test_a_rotated_key_list_opens_old_secrets_and_seals_with_the_first_key():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_before = sealing.seal("SECRET", {"TWO_FACTOR_KEYS": old, "SECRET_KEY": "x"})
    rotated = {"TWO_FACTOR_KEYS": f"{new}, {old}", "SECRET_KEY": "x"}
    assert sealing.unseal(sealed_before, rotated) == "SECRET"
    sealed_after = sealing.seal("SECRET", rotated)
    assert sealing.unseal(sealed_after, {"TWO_FACTOR_KEYS": new, "SECRET_KEY": "x"}) == "SECRET"


@pytest.mark.parametrize("value", [None, "", "JBSWY3DPEHPK3PXP"])
def test_plain_or_missing_values_are_not_taken_for_sealed_ones(value):
    assert not sealing.is_sealed(value)
