"""`flask search rebuild-sort-keys`: stale stored sort keys (a new ICU, a new language) are
made again, only those rows are written, and a second run changes nothing."""

from __future__ import annotations

from sqlalchemy import select, update

from certification.accounts.models import User
from certification.i18n.collation import name_key
from certification.organisations.models import Organisation
from tests import factories


def run(app) -> str:
    result = app.test_cli_runner().invoke(args=["search", "rebuild-sort-keys"])
    assert result.exit_code == 0, result.output
    return result.output


def test_stale_keys_are_rebuilt_and_a_second_run_changes_nothing(app, db):
    çelik = factories.organisation(legal_name="Çelik Sigorta A.Ş.")
    other = factories.organisation(legal_name="Zeytin Ltd")
    person = factories.user(name="İlkay Işık")
    db.session.commit()
    # As after an ICU upgrade or a new language: the stored keys no longer match.
    db.session.execute(
        update(Organisation)
        .where(Organisation.id == çelik.id)
        .values(name_key_tr=b"", name_key_ar=b"x")
    )
    db.session.execute(update(User).where(User.id == person.id).values(name_key_ru=b""))
    db.session.commit()

    output = run(app)

    assert "organisations: 1 row(s) changed" in output
    assert "users: 1 row(s) changed" in output
    assert "2 row(s) changed in all" in output
    db.session.expire_all()
    assert db.session.get(Organisation, çelik.id).name_key_tr == name_key(
        "Çelik Sigorta A.Ş.", "tr"
    )
    assert db.session.get(Organisation, çelik.id).name_key_ar == name_key(
        "Çelik Sigorta A.Ş.", "ar"
    )
    assert db.session.get(User, person.id).name_key_ru == name_key("İlkay Işık", "ru")
    assert db.session.get(Organisation, çelik.id).legal_name == "Çelik Sigorta A.Ş."
    assert db.session.get(Organisation, other.id).name_key_tr == name_key("Zeytin Ltd", "tr")

    again = run(app)
    assert "0 row(s) changed in all" in again


def test_the_turkish_list_orders_by_the_rebuilt_keys(app, db):
    """What a reader notices: with stale keys Ç sorts first; rebuilt, after C as in Turkish."""
    for name in ("Çınar Ltd", "Cam Ltd", "Dere Ltd"):
        factories.organisation(legal_name=name)
    db.session.commit()
    db.session.execute(
        update(Organisation).where(Organisation.legal_name == "Çınar Ltd").values(name_key_tr=b"")
    )
    db.session.commit()
    order = select(Organisation.legal_name).order_by(Organisation.name_key_tr, Organisation.id)
    assert db.session.scalars(order).all()[0] == "Çınar Ltd"

    run(app)

    db.session.expire_all()
    assert db.session.scalars(order).all() == ["Cam Ltd", "Çınar Ltd", "Dere Ltd"]
