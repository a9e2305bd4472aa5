"""HTTP views of the administration: users, auditor profiles, the body's settings (admins only)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from certification import listing
from certification.access import roles_required
from certification.accounts import links, two_factor
from certification.accounts.competence import FOR_USER_ROLE
from certification.accounts.models import (
    AuditorQualification,
    ConflictKind,
    ConflictOfInterest,
    Role,
    User,
    user_name_key,
)
from certification.admin import profiles, services
from certification.admin import settings_services as rules
from certification.admin.forms import (
    ConflictForm,
    EditUserForm,
    LetterheadForm,
    NewUserForm,
    QualificationForm,
    RemoveConflictForm,
    RenewQualificationForm,
    SettingsForm,
)
from certification.admin.letterhead import size_limit as letterhead_size_limit
from certification.extensions import db
from certification.forms_kit import refuse
from certification.home import admin as home_admin
from certification.i18n.local_time import body_today
from certification.organisations.models import Organisation
from certification.organisations.services import by_name
from certification.paging import Segment, page_of
from certification.settings import services as settings
from certification.submissions.forms import made, sent_before

bp = Blueprint("admin", __name__, url_prefix="/admin")


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


@bp.route("/users")
@roles_required(Role.ADMIN)
def users():
    role = request.args.get("role", "")
    role = role if role in {r.value for r in Role} else ""
    search = request.args.get("q", "").strip()
    query = select(User).options(selectinload(User.organisation))
    if role:
        query = query.where(User.role == role)
    if search:
        term = f"%{search.lower()}%"
        query = query.where(
            or_(func.lower(User.name).like(term), func.lower(User.email).like(term))
        )
    # The admin's home links here: dormant accounts, qualifications about to lapse.
    due = {name: listing.days(request.args, name) for name in ("dormant", "expiring")}
    if due["dormant"] is not None:
        query = query.where(home_admin.dormant_clause(body_today(), due["dormant"]))
    if due["expiring"] is not None:
        windows = (max(due["expiring"], 0),)
        query = query.where(home_admin.expiring_qualification_clause(body_today(), windows))
    by_name = (Segment(key=(user_name_key(get_locale()), User.id)),)
    orders = {
        "name": by_name,
        "email": (Segment(key=(User.email, User.id)),),
        "role": (Segment(key=(User.role, User.id)),),
    }
    chosen = listing.read(request.args, orders, by_name, {"q": search, "role": role, **due})
    page = page_of(query, chosen.segments, request.args, current_app.config["PAGE_SIZE"])
    resets = db.session.scalars(
        select(User).where(User.reset_requested_at.is_not(None)).order_by(User.reset_requested_at)
    ).all()
    return render_template(
        "admin/users.html",
        page=page,
        role=role,
        q=search,
        roles=list(Role),
        resets=resets,
        due=due,
        listing=chosen,
        new=listing.number(request.args, "new"),  # the user just created: shown marked
    )


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():
    form = NewUserForm().for_organisations(_organisations())
    if form.validate_on_submit():
        if earlier := sent_before(form, "user", _user_url):
            return earlier
        try:
            user = made(
                services.create_user(
                    current_user, form.details(_organisation(form)), form.password.data or ""
                )
            )
        except services.AdminError as error:
            _refused(form, error)
        else:
            if not user.has_password:  # they set it themselves from an invitation link
                return _show_link(user)
            db.session.commit()
            flash(_("The user %(name)s was created.", name=user.name), "success")
            return redirect(url_for("admin.users", q=user.email, new=user.id))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@roles_required(Role.ADMIN)
def password_link(user_id: int):
    """A single-use link for the person to set their password: an invitation or a reset."""
    user = db.get_or_404(User, user_id)
    if not user.active:
        flash(_("%(name)s cannot sign in: make the account active first.", name=user.name), "error")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return _show_link(user)


def _show_link(user: User):
    """Issue the link, e-mail it to the person, commit, and show it once to the admin too."""
    token, link = links.send_link(current_user, user, datetime.now(UTC))
    db.session.commit()
    return render_template("admin/link.html", user=user, link=link, url=links.link_url(token))


@bp.route("/users/<int:user_id>/two-factor/reset", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """A lost phone and lost recovery codes: the person enrols again at the next sign-in."""
    user = db.get_or_404(User, user_id)
    if user.has_two_factor:
        two_factor.disable(current_user, user)
        user.end_sessions()
        db.session.commit()
    flash(_("Two-factor sign-in of %(name)s was reset.", name=user.name), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = EditUserForm(obj=user).for_organisations(_organisations())
    if request.method == "GET":
        form.organisation_id.data = user.organisation_id or 0
    if form.validate_on_submit():
        try:
            changes = services.update_user(
                current_user, user, form.details(_organisation(form)), form.password.data or ""
            )
        except services.AdminError as error:
            _refused(form, error)
        else:
            db.session.commit()
            message = _("The changes were saved.") if changes else _("Nothing was changed.")
            flash(message, "success" if changes else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, user=user)


def _organisations():
    return by_name(db.session.scalars(select(Organisation)))


def _organisation(form) -> Organisation | None:
    return db.session.get(Organisation, form.organisation_id.data or 0)


def _user_url(user_id: int) -> str:
    return url_for("admin.edit_user", user_id=user_id)


def _profile_url(user_id: int) -> str:
    return url_for("admin.profile", user_id=user_id)


def _refused(form, error: services.AdminError) -> None:
    """Put a refusal on the field it concerns; nothing of the attempt is kept."""
    db.session.rollback()
    refuse(form, error.message, error.field)


# ---------------------------------------------------------------------------
# Auditor and committee profiles
# ---------------------------------------------------------------------------


@bp.route("/users/<int:user_id>/profile")
@roles_required(Role.ADMIN)
def profile(user_id: int):
    person = _profile_person(user_id)
    return _render_profile(person)


@bp.route("/users/<int:user_id>/qualifications", methods=["POST"])
@roles_required(Role.ADMIN)
def add_qualification(user_id: int):
    person = _profile_person(user_id)
    form = QualificationForm().with_schemes(person.role)
    if form.validate_on_submit():
        if earlier := sent_before(form, "qualification", lambda _id: _profile_url(person.id)):
            return earlier
        try:
            made(profiles.add_qualification(current_user, person, form.details()))
        except services.AdminError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The qualification was added."), "success")
            return redirect(url_for("admin.profile", user_id=person.id))
    return _render_profile(person, qualification_form=form)


@bp.route("/qualifications/<int:qualification_id>", methods=["POST"])
@roles_required(Role.ADMIN)
def renew_qualification(qualification_id: int):
    """Renew or correct a competence record's validity and evidence."""
    qualification = db.get_or_404(AuditorQualification, qualification_id)
    person = qualification.auditor
    form = RenewQualificationForm(prefix=f"q{qualification.id}")
    if form.validate_on_submit():
        try:
            profiles.update_qualification(current_user, qualification, form.details(qualification))
        except services.AdminError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The qualification was updated."), "success")
            return redirect(url_for("admin.profile", user_id=person.id))
    return _render_profile(person, renew_forms={qualification.id: form})


@bp.route("/qualifications/<int:qualification_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_qualification(qualification_id: int):
    qualification = db.get_or_404(AuditorQualification, qualification_id)
    person_id = qualification.auditor_id
    profiles.remove_qualification(current_user, qualification)
    db.session.commit()
    flash(_("The qualification was removed."), "success")
    return redirect(url_for("admin.profile", user_id=person_id))


@bp.route("/users/<int:user_id>/conflicts", methods=["POST"])
@roles_required(Role.ADMIN)
def add_conflict(user_id: int):
    person = _profile_person(user_id)
    form = ConflictForm().for_organisations(_organisations())
    if form.validate_on_submit():
        organisation = db.get_or_404(Organisation, form.organisation_id.data)
        if earlier := sent_before(form, "conflict", lambda _id: _profile_url(person.id)):
            return earlier
        try:
            made(
                profiles.add_conflict(
                    current_user,
                    person,
                    organisation,
                    form.kind.data,
                    form.started_on.data,
                    form.ended_on.data,
                    form.note.data,
                )
            )
        except services.AdminError as error:
            _refused(form, error)
        else:
            db.session.commit()
            flash(_("The conflict of interest was recorded."), "success")
            return redirect(url_for("admin.profile", user_id=person.id))
    return _render_profile(person, conflict_form=form)


@bp.route("/conflicts/<int:conflict_id>/remove", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_conflict(conflict_id: int):
    conflict = db.get_or_404(ConflictOfInterest, conflict_id)
    person_id = conflict.user_id
    form = RemoveConflictForm()
    if not form.validate_on_submit():
        flash(_("Give a reason for removing the conflict of interest."), "error")
        return redirect(url_for("admin.profile", user_id=person_id))
    profiles.remove_conflict(current_user, conflict, form.reason.data)
    db.session.commit()
    flash(_("The conflict of interest was removed."), "success")
    return redirect(url_for("admin.profile", user_id=person_id))


def _profile_person(user_id: int) -> User:
    """Only auditors and committee members keep qualifications and conflicts (404 otherwise)."""
    person = db.get_or_404(User, user_id)
    if not profiles.has_profile(person):
        abort(404)
    return person


def _render_profile(person: User, qualification_form=None, conflict_form=None, renew_forms=None):
    qualifications = sorted(
        person.qualifications, key=lambda q: (q.role, q.scheme, q.sector_code.zfill(3))
    )
    renew_forms = {
        q.id: RenewQualificationForm(
            formdata=None,
            prefix=f"q{q.id}",
            valid_from=q.valid_from,
            valid_until=q.valid_until,
            evidence=q.evidence,
        )
        for q in qualifications
    } | (renew_forms or {})
    conflicts = sorted(person.conflicts, key=lambda c: c.started_on or date.min, reverse=True)
    return render_template(
        "admin/profile.html",
        person=person,
        qualifications=qualifications,
        conflicts=conflicts,
        scheme_titles=dict(profiles.scheme_ids()),
        qualification_form=qualification_form
        or QualificationForm(formdata=None).with_schemes(person.role),
        renew_forms=renew_forms,
        competence_role=FOR_USER_ROLE.get(person.role),
        conflict_form=conflict_form
        or ConflictForm(formdata=None).for_organisations(_organisations()),
        conflict_kinds={k.value: k.label for k in ConflictKind},
        today=body_today(),
    )


# ---------------------------------------------------------------------------
# The body's settings
# ---------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"], endpoint="settings")
@roles_required(Role.ADMIN)
def edit_settings():
    current = {key: settings.get(key) for key in settings.DEFAULTS}
    form = SettingsForm()
    if request.method == "GET":
        form.fill(current)
    if form.validate_on_submit():
        try:
            changed = rules.update_settings(current_user, form.proposed(current["stage1_share"]))
        except rules.SettingsError as error:
            db.session.rollback()
            form.add_errors(error.errors)
        else:
            db.session.commit()
            message = _("The settings were saved.") if changed else _("Nothing was changed.")
            flash(message, "success" if changed else "info")
            return redirect(url_for("admin.settings"))
    return settings_page(form, LetterheadForm(), current)


def settings_page(form, letterhead, current, status: int = 200):
    sample = _sample_number(current["certificate_number_format"])
    images = {key: current[key] is not None for key in settings.IMAGE_KEYS}  # shown as previews
    page = render_template(
        "admin/settings.html",
        form=form,
        letterhead=letterhead,
        images=images,
        sample=sample,
        letterhead_limit=letterhead_size_limit(),
    )
    return page, 400 if letterhead.errors else status


def _sample_number(pattern: str) -> str:
    return rules.certificate_number_sample(pattern, body_today().year, 1)
