"""The organisation form: the client's particulars and a list of sites (the first is the head
office). Field ids are plain (legal_name, country, sites-0-name, ...) for people and browser tests.
"""

from __future__ import annotations

from babel import Locale
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from certification.accounts.forms import email_address
from certification.forms_kit import IntegerField
from certification.i18n.collation import sorted_by_name
from certification.organisations import services
from certification.settings import services as settings
from certification.submissions.forms import SentOnce

BLANK_SITE_ROWS = 2  # empty rows offered for new sites; unused ones are ignored


class SiteForm(Form):
    """One site; not a FlaskForm, so the CSRF token stays with the outer form."""

    id = HiddenField()
    name = StringField(_l("Site name"), validators=[Length(max=200)])
    address = TextAreaField(_l("Address"), validators=[Length(max=2000)])
    city = StringField(_l("City"), validators=[Length(max=120)])
    personnel = IntegerField(
        _l("Personnel at this site"),
        validators=[
            Optional(),
            NumberRange(min=0, message=_l("Personnel at a site is a whole number, 0 or more.")),
        ],
    )
    scope = TextAreaField(_l("Scope at this site"), validators=[Length(max=5000)])
    remove = BooleanField(_l("Remove this site"))


class OrganisationForm(FlaskForm):
    legal_name = StringField(
        _l("Legal name (in the organisation's own script)"),
        validators=[DataRequired(message=_l("Enter the legal name.")), Length(max=300)],
    )
    english_name = StringField(_l("English name"), validators=[Length(max=300)])
    trading_name = StringField(_l("Trading name"), validators=[Length(max=300)])
    country = SelectField(_l("Country"), validators=[DataRequired(message=_l("Choose a country."))])
    city = StringField(_l("City"), validators=[Length(max=120)])
    address = TextAreaField(_l("Address"), validators=[Length(max=2000)])
    sector_code = SelectField(
        _l("IAF sector"), validators=[DataRequired(message=_l("Choose an IAF sector."))]
    )
    effective_personnel = IntegerField(
        _l("Effective personnel"),
        validators=[
            InputRequired(message=_l("Enter the effective personnel.")),
            NumberRange(min=1, message=_l("Effective personnel is a whole number of at least 1.")),
        ],
    )
    preferred_language = SelectField(_l("Preferred language"))
    currency = SelectField(_l("Currency"))
    contact_name = StringField(_l("Contact name"), validators=[Length(max=200)])
    contact_email = EmailField(
        _l("Contact email"), validators=[Optional(), Length(max=254), email_address]
    )
    contact_phone = StringField(_l("Contact phone"), validators=[Length(max=50)])
    sites = FieldList(FormField(SiteForm), min_entries=1 + BLANK_SITE_ROWS)
    add_site = SubmitField(_l("Add another site"))

    def with_choices(self) -> OrganisationForm:
        """Countries and languages named in the reader's language; the body's currencies."""
        locale = Locale.parse(str(get_locale() or "en"))
        countries = sorted_by_name(
            ((code, locale.territories.get(code, code)) for code in services.country_codes()),
            lambda pair: pair[1],
            locale,
        )
        self.country.choices = [SelectChoice("", _l("Choose a country"))] + [
            SelectChoice(code, f"{name} ({code})") for code, name in countries
        ]
        self.sector_code.choices = [SelectChoice("", _l("Choose an IAF sector"))] + [
            SelectChoice(code, f"{code} · {name}") for code, name in services.IAF_SECTORS.items()
        ]
        self.preferred_language.choices = [
            SelectChoice(code, locale.languages.get(code, code))
            for code in services.ORGANISATION_LANGUAGES
        ]
        self.currency.choices = [SelectChoice(code, code) for code in settings.currencies()]
        return self

    def organisation_data(self) -> dict:
        return {key: self[key].data for key in (*services.TEXT_LIMITS, *NON_TEXT)}

    def sites_data(self, new: bool = False) -> list[dict]:
        """The site rows; on a new organisation the first row is the head office."""
        rows = [dict(entry.form.data) for entry in self.sites]
        if new and rows:
            rows[0]["is_head_office"] = True
        return rows


NON_TEXT = ("country", "sector_code", "effective_personnel", "preferred_language", "currency")


def site_rows(organisation) -> list:
    """Sites for the edit form, head office first."""
    return sorted(organisation.sites, key=lambda site: (not site.is_head_office, site.id))


class NewOrganisationForm(SentOnce, OrganisationForm):
    """Registering a client: sent once (a double click registers it once)."""
