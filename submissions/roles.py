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
        condition |= Q(assignments__lead_department=department) | Q(
            assignments__assisting_departments=department
        )
    if DEPUTY in roles and (deputy := deputy_of(user)):
        condition |= Q(deputy=deputy)
    return queryset.filter(pk__in=queryset.model.objects.filter(condition).values("pk"))
