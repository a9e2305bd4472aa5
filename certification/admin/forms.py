"""Forms of the administration: users, auditor profiles and the body's settings."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from certification.accounts.competence import ROLES_FOR_USER_ROLE
from certification.accounts.forms import LOCALE_CHOICES, email_address
from certification.accounts.models import ConflictKind, Role
from certification.admin import profiles, services
from certification.admin import settings_services as rules
from certification.forms_kit import DecimalField, IntegerField
from certification.submissions.forms import SentOnce

NO_ORGANISATION = 0


class UserForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter the name.")), Length(max=200)]
    )
    email = EmailField(
        _l("Email"),
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            email_address,
            Length(max=254),
        ],
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(r.value, r.label) for r in Role])
    organisation_id = SelectField(_l("Organisation (client users only)"), coerce=int)
    locale = SelectField(_l("Language"), choices=LOCALE_CHOICES)
    active = BooleanField(_l("Active: may sign in"), default=True)
    password = PasswordField(_l("Password"))

    def for_organisations(self, organisations) -> UserForm:
        self.role.choices = [SelectChoice(r.value, r.label) for r in Role]
        self.organisation_id.choices = [SelectChoice(NO_ORGANISATION, _l("None (staff)"))] + [
            SelectChoice(o.id, o.legal_name) for o in organisations
        ]
        return self

    def validate_organisation_id(self, field) -> None:
        """The `client_has_organisation` rule, told to the user before the database refuses."""
        if self.role.data not in {r.value for r in Role}:
            return
        organisation = field.data or None  # only presence matters here
        problem = services.organisation_problem(Role(self.role.data), organisation)
        if problem is not None:
            raise ValidationError(problem)

    def details(self, organisation) -> services.UserDetails:
        return services.UserDetails(
            name=self.name.data,
            email=self.email.data,
            role=Role(self.role.data),
            organisation=organisation,
            locale=self.locale.data,
            active=self.active.data,
        )


class NewUserForm(SentOnce, UserForm):
    password = PasswordField(_l("Initial password (staff only)"))


class EditUserForm(UserForm):
    password = PasswordField(_l("New password (leave empty to keep the current one)"))


class QualificationForm(SentOnce, FlaskForm):
    """A competence record (17021-1 7.1, 7.2); its roles follow the person's account."""

    role = SelectField(_l("Competence as"), validators=[DataRequired()])
    scheme = SelectField(_l("Scheme"), validators=[DataRequired()])
    sector_code = IntegerField(
        _l("IAF sector code"),
        validators=[
            Optional(),
            NumberRange(min=1, max=39, message=_l("IAF sector codes run from 1 to 39.")),
        ],
    )
    valid_from = DateField(_l("Valid from (optional)"), validators=[Optional()])
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])
    evidence = TextAreaField(
        _l("Evidence (training, witnessed audits, evaluation)"), validators=[Length(max=2000)]
    )

    def with_schemes(self, user_role: str = "auditor") -> QualificationForm:
        self.scheme.choices = [SelectChoice(v, title) for v, title in profiles.scheme_ids()]
        roles = ROLES_FOR_USER_ROLE.get(user_role, ())
        self.role.choices = [SelectChoice(r.value, r.label) for r in roles]
        if not self.role.data and roles:
            self.role.data = roles[0].value
        return self

    def details(self) -> profiles.CompetenceDetails:
        return profiles.CompetenceDetails(
            scheme=self.scheme.data,
            sector_code=self.sector_code.data,
            valid_from=self.valid_from.data,
            valid_until=self.valid_until.data,
            evidence=self.evidence.data or "",
            role=self.role.data,
        )


class RenewQualificationForm(FlaskForm):
    """Validity and evidence of an existing competence record."""

    valid_from = DateField(_l("Valid from (optional)"), validators=[Optional()])
    valid_until = DateField(_l("Valid until (optional)"), validators=[Optional()])
    evidence = TextAreaField(
        _l("Evidence (training, witnessed audits, evaluation)"), validators=[Length(max=2000)]
    )

    def details(self, qualification) -> profiles.CompetenceDetails:
        return profiles.CompetenceDetails(
            scheme=qualification.scheme,
            sector_code=None,
            valid_from=self.valid_from.data,
            valid_until=self.valid_until.data,
            evidence=self.evidence.data or "",
        )


class ConflictForm(SentOnce, FlaskForm):
    organisation_id = SelectField(
        _l("Organisation"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose the organisation."))],
    )
    kind = SelectField(
        _l("Relationship"), choices=[SelectChoice(k.value, k.label) for k in ConflictKind]
    )
    started_on = DateField(
        _l("Started on"), validators=[InputRequired(message=_l("Enter the start date."))]
    )
    ended_on = DateField(_l("Ended on (empty: still ongoing)"), validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Length(max=500)])

    def for_organisations(self, organisations) -> ConflictForm:
        self.kind.choices = [SelectChoice(k.value, k.label) for k in ConflictKind]
        self.organisation_id.choices = [SelectChoice(o.id, o.legal_name) for o in organisations]
        return self

    def validate_ended_on(self, field) -> None:
        if field.data and self.started_on.data and field.data < self.started_on.data:
            raise ValidationError(_l("The relationship cannot end before it started."))


class RemoveConflictForm(FlaskForm):
    reason = StringField(
        _l("Reason for removing"),
        validators=[
            DataRequired(message=_l("Give a reason for removing the conflict of interest.")),
            Length(max=1000),
        ],
    )


class CurrencyRowForm(Form):
    """One currency's prices; a sub-form, so it carries no CSRF token of its own."""

    code = HiddenField()
    day_rate = DecimalField(
        _l("Day rate"), validators=[InputRequired(message=_l("Enter the day rate."))]
    )
    application_fee = DecimalField(
        _l("Application fee"), validators=[InputRequired(message=_l("Enter the fee."))]
    )
    certificate_fee = DecimalField(
        _l("Certificate fee"), validators=[InputRequired(message=_l("Enter the fee."))]
    )
    remove = BooleanField(_l("Remove"))


def _whole(label):
    return IntegerField(label, validators=[InputRequired(message=_l("Enter a whole number."))])


SIGNATORY_KEYS = ("certificate_signatory_name", "certificate_signatory_role")


class LetterheadForm(FlaskForm):
    """The images printed on certificates: the body's logo and the signatory's signature."""

    body_logo = FileField(_l("The body's logo (PNG or JPEG)"))
    signature_image = FileField(_l("The signatory's signature (PNG or JPEG)"))
    remove_body_logo = BooleanField(_l("Remove the logo"))
    remove_signature_image = BooleanField(_l("Remove the signature"))

    def upload(self, key: str) -> tuple[str, bytes] | None:
        data = getattr(self, key).data
        if data is None or not getattr(data, "filename", ""):
            return None
        try:
            return (data.filename, data.read())
        finally:
            data.close()  # a large upload is spooled to a temporary file: let it go now


class SettingsForm(FlaskForm):
    currencies = FieldList(FormField(CurrencyRowForm))
    new_code = StringField(
        _l("Currency code"),
        validators=[Length(max=3, message=_l("A currency code has three letters, e.g. CHF."))],
    )
    new_day_rate = DecimalField(_l("Day rate"), validators=[Optional()])
    new_application_fee = DecimalField(_l("Application fee"), validators=[Optional()])
    new_certificate_fee = DecimalField(_l("Certificate fee"), validators=[Optional()])
    quote_validity_days = _whole(_l("Days a quote stays valid"))
    stage1_percent = DecimalField(
        _l("Stage 1 share of the initial audit time, in percent"),
        places=None,
        validators=[InputRequired(message=_l("Enter a percentage."))],
    )
    action_plan_days = _whole(_l("Days the client has for an action plan"))
    stage1_warn_days = _whole(_l("Warn when stage 1 is older than (days)"))
    stage1_void_months = _whole(_l("Stage 1 must be repeated after (months)"))
    suspension_months = _whole(_l("Longest suspension (months)"))
    due_windows = StringField(_l("Due-soon windows (days)"))
    certificate_number_format = StringField(
        _l("Certificate number format"),
        validators=[DataRequired(message=_l("Enter the format.")), Length(max=100)],
    )
    two_factor_for_staff = BooleanField(
        _l("Administrators and committee members must sign in with a second factor")
    )
    certificate_signatory_name = StringField(
        _l("Signatory of the certificates"), validators=[Length(max=120)]
    )
    certificate_signatory_role = StringField(_l("Signatory's role"), validators=[Length(max=120)])
    complaint_acknowledge_days = _whole(_l("Acknowledge a complaint within (working days)"))
    complaint_answer_days = _whole(_l("Answer a complaint within (working days)"))
    complaint_reply_days = _whole(
        _l("Wait for the complainant's reply before closing (working days)")
    )
    appeal_days = _whole(_l("Days a client has to appeal a decision"))
    holidays = TextAreaField(_l("Holidays (not working days)"))

    # Setting key -> the field that shows its error; money errors go above the currency table.
    FIELD_OF = {"stage1_share": "stage1_percent"}

    def fill(self, values: dict) -> SettingsForm:
        """Show the stored settings."""
        rates, application, certificate = (values[k] for k in rules.MONEY_KEYS)
        for code in sorted(rates):
            self.currencies.append_entry(
                {
                    "code": code,
                    "day_rate": Decimal(str(rates[code])),
                    "application_fee": Decimal(str(application.get(code, "0"))),
                    "certificate_fee": Decimal(str(certificate.get(code, "0"))),
                }
            )
        for key in rules.INTEGER_RANGES:
            getattr(self, key).data = values[key]
        self.stage1_percent.data = rules.percent_from_share(values["stage1_share"])
        self.due_windows.data = ", ".join(str(n) for n in values["due_windows"])
        self.certificate_number_format.data = values["certificate_number_format"]
        self.two_factor_for_staff.data = bool(values["two_factor_for_staff"])
        for key in SIGNATORY_KEYS:
            getattr(self, key).data = values[key]
        self.holidays.data = "\n".join(values["holidays"])
        return self

    def validate_new_code(self, field) -> None:
        field.data = (field.data or "").strip().upper()
        if field.data and self.new_day_rate.data is None:
            raise ValidationError(_l("Enter the day rate of the new currency."))
        if not field.data and self.new_day_rate.data is not None:
            raise ValidationError(_l("Enter the code of the new currency, e.g. CHF."))
        if field.data in {row.code.data for row in self.currencies}:
            raise ValidationError(_l("This currency is already in the table."))

    def validate_due_windows(self, field) -> None:
        if rules.parse_due_windows(field.data) is None:
            raise ValidationError(_l("Give whole numbers of days separated by commas."))

    def proposed(self, current_share: str) -> dict[str, object]:
        """The form's values in the form the settings store them."""
        values: dict[str, object] = {k: {} for k in rules.MONEY_KEYS}
        rows = [r.form for r in self.currencies if not r.form.remove.data]
        rows = [
            (r.code.data, r.day_rate.data, r.application_fee.data, r.certificate_fee.data)
            for r in rows
        ]
        if self.new_code.data:
            new_fees = (self.new_application_fee.data, self.new_certificate_fee.data)
            rows.append((self.new_code.data, self.new_day_rate.data, *(f or 0 for f in new_fees)))
        for code, *amounts in rows:
            for key, amount in zip(rules.MONEY_KEYS, amounts, strict=True):
                values[key][code] = amount
        values.update({key: getattr(self, key).data for key in rules.INTEGER_RANGES})
        percent = self.stage1_percent.data
        unchanged = percent == rules.percent_from_share(current_share)
        values["stage1_share"] = current_share if unchanged else rules.share_from_percent(percent)
        values["due_windows"] = rules.parse_due_windows(self.due_windows.data)
        values["certificate_number_format"] = self.certificate_number_format.data.strip()
        values["two_factor_for_staff"] = bool(self.two_factor_for_staff.data)
        values.update({key: (getattr(self, key).data or "").strip() for key in SIGNATORY_KEYS})
        values["holidays"] = rules.parse_holidays(self.holidays.data)
        return values

    def add_errors(self, errors: dict[str, str]) -> None:
        for key, message in errors.items():
            if key in rules.MONEY_KEYS:
                self.form_errors.append(message)
            else:
                field = getattr(self, self.FIELD_OF.get(key, key))
                field.errors = [*field.errors, message]


# The labels of the settings in the change log (activity/changes.py): the form's own labels.
SETTING_LABELS = {
    "day_rates": _l("Day rate"),
    "application_fee": _l("Application fee"),
    "certificate_fee": _l("Certificate fee"),
    "quote_validity_days": _l("Days a quote stays valid"),
    "stage1_share": _l("Stage 1 share of the initial audit time, in percent"),
    "action_plan_days": _l("Days the client has for an action plan"),
    "stage1_warn_days": _l("Warn when stage 1 is older than (days)"),
    "stage1_void_months": _l("Stage 1 must be repeated after (months)"),
    "suspension_months": _l("Longest suspension (months)"),
    "due_windows": _l("Due-soon windows (days)"),
    "certificate_number_format": _l("Certificate number format"),
    "two_factor_for_staff": _l(
        "Administrators and committee members must sign in with a second factor"
    ),
    "certificate_signatory_name": _l("Signatory of the certificates"),
    "certificate_signatory_role": _l("Signatory's role"),
    "complaint_acknowledge_days": _l("Acknowledge a complaint within (working days)"),
    "complaint_answer_days": _l("Answer a complaint within (working days)"),
    "complaint_reply_days": _l("Wait for the complainant's reply before closing (working days)"),
    "appeal_days": _l("Days a client has to appeal a decision"),
    "holidays": _l("Holidays (not working days)"),
    "body_logo": _l("The body's logo (PNG or JPEG)"),
    "signature_image": _l("The signatory's signature (PNG or JPEG)"),
}
