"""The admin's form for one accreditation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from certification.accreditations.services import AccreditationInput
from certification.applications.schemes import choices


class AccreditationForm(FlaskForm):
    accreditation_body = StringField(_l("Accreditation body"), [Length(max=200)])
    number = StringField(_l("Accreditation number"), [Length(max=60)])
    schemes = SelectMultipleField(
        _l("Schemes in the scope"),
        choices=[SelectChoice(value, label) for value, label in choices()],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    sectors = StringField(_l("IAF sectors in the scope"), [Length(max=200)])
    valid_from = DateField(_l("Valid from"), validators=[Optional()])
    valid_until = DateField(_l("Valid until"), validators=[Optional()])
    mark = FileField(_l("The accreditation body's mark (PNG or JPEG)"))

    @staticmethod
    def initial(accreditation) -> dict:
        if accreditation is None:
            return {}
        return {
            "accreditation_body": accreditation.accreditation_body,
            "number": accreditation.number,
            "schemes": list(accreditation.schemes),
            "sectors": ", ".join(accreditation.sectors),
            "valid_from": accreditation.valid_from,
            "valid_until": accreditation.valid_until,
        }

    def values(self) -> AccreditationInput:
        return AccreditationInput(
            accreditation_body=self.accreditation_body.data or "",
            number=self.number.data or "",
            schemes=list(self.schemes.data or []),
            sectors=self.sectors.data or "",
            valid_from=self.valid_from.data,
            valid_until=self.valid_until.data,
        )

    def upload(self):
        data = self.mark.data
        if data is None or not getattr(data, "filename", ""):
            return None
        return (data.filename, data.read())
