"""Who may see and do what with cases. Roles are Django groups; see DESIGN §5."""

from django.db.models import Q

STAFF = "联络站工作人员"
COMMITTEE = "选联工委"
HANDLER = "承办单位经办人"
DEPUTY = "人大代表"
EDITOR = "编辑"
MODERATOR = "审核员"

# Permissions each role's group gets; the data migration applies exactly these, in code.
GROUP_PERMISSIONS = {
    STAFF: [
        "wagtailadmin.access_admin",
        "submissions.add_case",
        "submissions.view_case",
        "submissions.view_category",
        "submissions.add_category",
        "submissions.change_category",
        "deputies.view_deputy",
        "deputies.add_deputy",
        "deputies.change_deputy",
        "deputies.view_enterprise",
        "deputies.add_enterprise",
        "deputies.change_enterprise",
        "deputies.view_receptionday",
        "deputies.add_receptionday",
        "deputies.change_receptionday",
        "deputies.delete_receptionday",
        *[
            f"visits.{action}_{model}"
            for model in ("visit", "visitteam", "visitcampaign", "visitplan")
            for action in ("view", "add", "change")
        ],
    ],
    COMMITTEE: [
        "wagtailadmin.access_admin",
        "submissions.view_case",
        "submissions.view_category",
        "submissions.view_department",
        "submissions.add_department",
        "submissions.change_department",
        "submissions.view_committee",
        "submissions.add_committee",
        "submissions.change_committee",
        "deputies.view_deputy",
        "deputies.view_enterprise",
        "submissions.view_notification",
        "submissions.view_calendaroverride",
        "submissions.add_calendaroverride",
        "submissions.change_calendaroverride",
        *[f"visits.view_{model}" for model in ("visit", "visitteam", "visitcampaign", "visitplan")],
    ],
    HANDLER: ["wagtailadmin.access_admin", "submissions.view_case"],
    # Wagtail's migrations give its page groups admin access; a flushed database needs it again.
    EDITOR: ["wagtailadmin.access_admin"],
    MODERATOR: ["wagtailadmin.access_admin"],
    DEPUTY: ["wagtailadmin.access_admin", "submissions.view_case"],
}
# Wagtail's own page groups, renamed to the names this station uses.
RENAMED_WAGTAIL_GROUPS = {"Editors": EDITOR, "Moderators": MODERATOR}


def ensure_role_groups(group_model, permission_model):
    """Create the role groups with their permissions (migrations and seed_demo). A permission
    whose model a migration has not created yet is skipped; a later migration adds it."""
    for old, new in RENAMED_WAGTAIL_GROUPS.items():
        group_model.objects.filter(name=old).update(name=new)
        group_model.objects.get_or_create(name=new)
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission:
                group.permissions.add(permission)


def migrate_role_groups(apps, schema_editor):
    """Data-migration step: make the permissions exist now, then apply GROUP_PERMISSIONS."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    ensure_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def rebuild_role_groups():
    """The same on a live database whose tables a test flushed (seed_demo, browser tests)."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    ensure_role_groups(Group, Permission)


def roles_of(user):
    """The set of role names the user has; a superuser has them all."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.is_superuser:
        return {STAFF, COMMITTEE, HANDLER, DEPUTY}
    if not hasattr(user, "_case_roles"):
        user._case_roles = set(user.groups.values_list("name", flat=True))
    return user._case_roles


def profile_of(user):
    from submissions.models import StaffProfile

    if not hasattr(user, "_staff_profile_cache"):
        user._staff_profile_cache = StaffProfile.objects.filter(user=user).first()
    return user._staff_profile_cache


def department_of(user):
    profile = profile_of(user)
    return profile.department if profile else None


def deputy_of(user):
    profile = profile_of(user)
    return profile.deputy if profile else None


def can_see_contact_details(user):
    """Submitter names and phones: only roles that need them to do their work."""
    return bool(roles_of(user) & {STAFF, COMMITTEE}) or user.is_superuser


def reader_mask(user, case):
    """How this user reads the case's free text (title, description, place, notes, comments):
    as typed for roles with contact rights; with personal data masked for the others, since
    submitters type phones and names into the text as well as into the contact fields."""
    if can_see_contact_details(user):
        return lambda text: text
    from submissions import masking

    names = masking.case_values(case)
    return lambda text: masking.mask(text, names) if text else text


def can_see_tracking_code(user):
    """The tracking code is the submitter's credential: only station staff, who hand over the
    receipt slip, ever see it. Departments and deputies could otherwise rate their own work."""
    return STAFF in roles_of(user)


def handled_rounds(department):
    """The rounds a department leads or assists in. A round it returned as not its remit
    (不属本单位职责) grants nothing: once returned, the case is no longer the department's."""
    from submissions.models import Assignment

    return Assignment.objects.filter(returned_at__isnull=True).filter(
        Q(lead_department=department) | Q(assisting_departments=department)
    )


def returned_by_own_department(user, case_pk):
    """Whether the case left this handler's scope because their department returned it."""
    from submissions.models import Assignment

    department = department_of(user) if HANDLER in roles_of(user) else None
    return bool(department) and (
        not visible_cases(user).filter(pk=case_pk).exists()
        and Assignment.objects.filter(
            case_id=case_pk, lead_department=department, returned_at__isnull=False
        ).exists()
    )


def visible_rounds(user, case):
    """The case's rounds this user may read: every round for station staff, the committee and
    the addressed deputy; for a department, only the rounds it handled."""
    rounds = case.assignments.all()
    roles = roles_of(user)
    if user.is_superuser or roles & {STAFF, COMMITTEE}:
        return rounds
    if DEPUTY in roles and (deputy := deputy_of(user)) and case.deputy_id == deputy.pk:
        return rounds
    department = department_of(user) if HANDLER in roles else None
    if department is None:
        return rounds.none()
    return rounds.filter(pk__in=handled_rounds(department).values("pk"))


def visible_events(user, case, rounds):
    """The timeline this user may read. Those who may read every round read every event; a
    department reads the public events and the internal ones made during its own rounds."""
    events = case.events.select_related("actor").order_by("created_at", "pk")
    all_rounds = list(case.assignments.order_by("round"))
    own = {a.pk for a in rounds}
    if own == {a.pk for a in all_rounds}:
        return events
    condition = Q(is_public=True)
    for index, assignment in enumerate(all_rounds):
        if assignment.pk in own:
            window = Q(created_at__gte=assignment.assigned_at)
            if index + 1 < len(all_rounds):
                window &= Q(created_at__lt=all_rounds[index + 1].assigned_at)
            condition |= window
    return events.filter(condition)


def visible_cases(user, queryset=None):
    """Every case query for a logged-in user goes through this: departments see their own
    cases, deputies the ones addressed to them, station staff and the committee all."""
    from submissions.models import Case

    queryset = Case.objects.all() if queryset is None else queryset
    roles = roles_of(user)
    if user.is_superuser or roles & {STAFF, COMMITTEE}:
        return queryset
    condition = Q(pk__in=[])
    if HANDLER in roles and (department := department_of(user)):
        condition |= Q(pk__in=handled_rounds(department).values("case"))
    if DEPUTY in roles and (deputy := deputy_of(user)):
        condition |= Q(deputy=deputy)
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
