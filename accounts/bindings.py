"""What a login acts for: the station, the liaison committee, one department or one deputy.

The binding lives on submissions.StaffProfile (roles.case_scope reads it); it is changed here
only, so that every change is written to Wagtail's audit log on the user, and the rules about
it (one login per deputy, no deputy of another station, handlers keep a department) have one
home that the Users screen, the deputy's "open a login" form and tests all call.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from submissions import roles
from submissions.models import Case, CaseEvent, StaffProfile

ActsFor = StaffProfile.ActsFor
BINDING_ACTION = "accounts.binding"
DEPUTY_LOGIN_ACTION = "accounts.deputy_login"

# The role group a new login joins when the administrator ticks none.
DEFAULT_GROUP = {
    ActsFor.STATION: roles.STAFF,
    ActsFor.COMMITTEE: roles.COMMITTEE,
    ActsFor.DEPARTMENT: roles.HANDLER,
    ActsFor.DEPUTY: roles.DEPUTY,
}


class BindingError(Exception):
    """A binding the rules refuse; ``field`` names the form field the message belongs to."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field
        self.message = message


def profile_for(user):
    return (
        StaffProfile.objects.filter(user=user)
        .select_related("station", "department", "deputy")
        .first()
    )


def log_data(profile):
    """The binding as the audit log keeps it: names, not ids, so it reads after renames."""
    if profile is None:
        return {"acts_for": None}
    return {
        "acts_for": profile.acts_for,
        "station": profile.station.name if profile.station_id else None,
        "department": profile.department.name if profile.department_id else None,
        "deputy": profile.deputy.name if profile.deputy_id else None,
    }


def describe(data):
    """One line for the history view: 承办单位经办人 · 云溪县人力资源和社会保障局 (联络站)."""
    acts_for = data.get("acts_for")
    if acts_for not in ActsFor.values:
        return _("Acts for nothing")
    parts = [str(ActsFor(acts_for).label)]
    parts += [data[key] for key in ("department", "deputy") if data.get(key)]
    text = " · ".join(parts)
    if data.get("station"):
        text += f"（{data['station']}）"
    return _("Acts for: %(binding)s") % {"binding": text}


def check(user, acts_for, station, department=None, deputy=None, group_rights=()):
    """Raise BindingError if this binding may not be given to ``user`` (unsaved or saved).
    ``group_rights`` are the permission codenames of the role groups the login will have."""
    handler = acts_for == ActsFor.DEPARTMENT or "act_for_department" in group_rights
    if handler and (acts_for != ActsFor.DEPARTMENT or department is None):
        raise BindingError(
            "department",
            _(
                "A handler's login acts for one department: choose “A department (handler)” "
                "and the department."
            ),
        )
    is_deputy = acts_for == ActsFor.DEPUTY or "see_addressed_cases" in group_rights
    if is_deputy and (acts_for != ActsFor.DEPUTY or deputy is None):
        raise BindingError(
            "deputy",
            _("A deputy's login is bound to one deputy: choose “A deputy” and the deputy."),
        )
    if acts_for == ActsFor.DEPUTY:
        taken = StaffProfile.objects.filter(deputy=deputy)
        if user.pk:
            taken = taken.exclude(user=user)
        if taken.exists():
            raise BindingError("deputy", _("This deputy already has a login."))
        if station is not None and deputy.station_id != station.pk:
            raise BindingError(
                "deputy",
                _(
                    "%(deputy)s is a deputy of %(station)s: a login of this station cannot be "
                    "bound to them."
                )
                % {"deputy": deputy.name, "station": deputy.station.name},
            )


def bind(user, acts_for, station, department=None, deputy=None):
    """Store what ``user`` acts for, logging the change on the user. Returns the profile."""
    profile = profile_for(user) or StaffProfile(user=user)
    before = log_data(profile if profile.pk else None)
    profile.acts_for = acts_for
    profile.station = station
    profile.department = department if acts_for == ActsFor.DEPARTMENT else None
    profile.deputy = deputy if acts_for == ActsFor.DEPUTY else None
    after = log_data(profile)
    if after != before:
        try:
            with transaction.atomic():
                profile.save()
        except IntegrityError:
            # Another administrator bound the same deputy a moment ago.
            raise BindingError("deputy", _("This deputy already has a login.")) from None
        log(instance=user, action=BINDING_ACTION, data={"before": before, "after": after})
    user._staff_profile_cache = profile  # roles.profile_of reads this cache
    return profile


def default_group(acts_for):
    return Group.objects.filter(name=DEFAULT_GROUP.get(acts_for)).first()


def open_deputy_login(deputy, username, password, email=""):
    """Create a login bound to ``deputy``, in the deputy role group. Raises BindingError if
    the deputy already has one (also when another administrator was a moment faster)."""
    User = get_user_model()
    with transaction.atomic():
        check(User(), ActsFor.DEPUTY, deputy.station, deputy=deputy)
        user = User(username=username, email=email or "", first_name=deputy.name)
        user.set_password(password)
        user.save()
        log(instance=user, action="wagtail.create", content_changed=True)
        if group := default_group(ActsFor.DEPUTY):
            user.groups.add(group)
        bind(user, ActsFor.DEPUTY, deputy.station, deputy=deputy)
        log(instance=deputy, action=DEPUTY_LOGIN_ACTION, data={"username": username})
    return user


def handled_department(user, profile):
    """The department this login was an active handler of, if any."""
    if user.is_active and profile and profile.acts_for == ActsFor.DEPARTMENT:
        return profile.department
    return None


def orphaned_department(department, user):
    """The department ``user`` has just stopped handling (deactivated or bound elsewhere),
    if that left it with open cases and no active handler, else None."""
    if department is None or handled_department(user, profile_for(user)) == department:
        return None
    if department.active_handlers().exists() or not department.open_cases().exists():
        return None
    return department


def with_case_history(users):
    """Annotate a user queryset with whether each login has acted on a case (one query for
    a whole listing). Such an account is deactivated, never deleted: timelines name it."""
    return users.annotate(
        has_case_events=Exists(CaseEvent.objects.filter(actor=OuterRef("pk"))),
        has_recorded_cases=Exists(Case.objects.filter(recorded_by=OuterRef("pk"))),
    )


def has_case_history(user):
    if hasattr(user, "has_case_events"):
        return user.has_case_events or user.has_recorded_cases
    return (
        CaseEvent.objects.filter(actor=user).exists()
        or Case.objects.filter(recorded_by=user).exists()
    )


def login_of(deputy):
    """The login bound to ``deputy``, or None."""
    profile = StaffProfile.objects.filter(deputy=deputy).select_related("user").first()
    return profile.user if profile else None


def deputies_with_logins(user):
    """The ids of deputies that have a login, read once per request (cached on the signed-in
    user, as roles.profile_of does) so the deputy listing asks once, not once per row."""
    if not hasattr(user, "_deputies_with_logins"):
        user._deputies_with_logins = set(
            StaffProfile.objects.filter(deputy__isnull=False).values_list("deputy_id", flat=True)
        )
    return user._deputies_with_logins
