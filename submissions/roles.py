"""Who may see and do what with cases (DESIGN §5).

Rights are custom permissions on Case (``Case.Meta.permissions``), checked with
``user.has_perm`` here and nowhere else by name: a role group only bundles them, so renaming a
group in Wagtail's Groups screen changes nothing. The group names below are the bundles the
migrations and the demo create.
"""

from django.db.models import Q

STAFF = "联络站工作人员"
COMMITTEE = "选联工委"
HANDLER = "承办单位经办人"
DEPUTY = "人大代表"
EDITOR = "编辑"
MODERATOR = "审核员"

# The rights, as "app_label.codename"; Case.Meta.permissions declares them.
SEE_ALL = "submissions.see_all_cases"
SEE_ADDRESSED = "submissions.see_addressed_cases"
ACT_FOR_DEPARTMENT = "submissions.act_for_department"
SEE_CONTACTS = "submissions.see_contact_details"
SEE_TRACKING_CODE = "submissions.see_tracking_code"
SCREEN = "submissions.screen_cases"
ASSIGN = "submissions.assign_cases"
RECORD_FOLLOW_UP = "submissions.record_follow_up"
CLOSE = "submissions.close_cases"
ADD_NOTE = "submissions.add_case_note"
SUPERVISE = "submissions.supervise_cases"
# The privacy app's rights (PIPL): a person's requests, and reading the log of contact reads.
PERSON_REQUESTS = "privacy.handle_person_requests"
READ_CONTACT_LOG = "privacy.view_contactread"

# Permissions each role's group gets; the data migration applies exactly these, in code.
GROUP_PERMISSIONS = {
    STAFF: [
        "wagtailadmin.access_admin",
        "submissions.add_case",
        "submissions.view_case",
        SEE_ALL,
        SEE_CONTACTS,
        SEE_TRACKING_CODE,
        SCREEN,
        RECORD_FOLLOW_UP,
        CLOSE,
        ADD_NOTE,
        SUPERVISE,
        PERSON_REQUESTS,
        "submissions.view_category",
        "submissions.add_category",
        "submissions.change_category",
        "deputies.view_deputy",
        "deputies.add_deputy",
        "deputies.change_deputy",
        # The deputy wall is public: staff publish profile drafts (and may lock one in edit).
        "deputies.publish_deputy",
        "deputies.lock_deputy",
        "deputies.unlock_deputy",
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
        SEE_ALL,
        SEE_CONTACTS,
        ASSIGN,
        CLOSE,
        ADD_NOTE,
        SUPERVISE,
        "submissions.view_category",
        "submissions.view_department",
        "submissions.add_department",
        "submissions.change_department",
        "submissions.view_committee",
        "submissions.add_committee",
        "submissions.change_committee",
        "deputies.view_deputy",
        "deputies.view_enterprise",
        "notifications.view_notification",
        READ_CONTACT_LOG,
        "privacy.view_personrequest",
        "privacy.view_anonymisation",
        "submissions.view_calendaroverride",
        "submissions.add_calendaroverride",
        "submissions.change_calendaroverride",
        *[f"visits.view_{model}" for model in ("visit", "visitteam", "visitcampaign", "visitplan")],
    ],
    HANDLER: ["wagtailadmin.access_admin", "submissions.view_case", ACT_FOR_DEPARTMENT, ADD_NOTE],
    # Wagtail's migrations give its page groups admin access; a flushed database needs it again.
    EDITOR: ["wagtailadmin.access_admin"],
    MODERATOR: ["wagtailadmin.access_admin"],
    DEPUTY: ["wagtailadmin.access_admin", "submissions.view_case", SEE_ADDRESSED, ADD_NOTE],
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
    return user.has_perm(SEE_CONTACTS)


def sees_submitter_contact(user, case):
    """Whether this user may read the submitter's name and phone on this case: the roles with
    contact rights, and the handling department when the submitter agreed to be called by it
    (同意承办单位直接联系我)."""
    if can_see_contact_details(user):
        return True
    department = acting_department(user)
    return (
        case.allow_direct_contact
        and department is not None
        and case.assignments.handled_by(department).exists()
    )


def edits_pages(user):
    """Editors, moderators and administrators: those who change or publish pages. Station
    staff who only add notices under the disclosure list are not (Wagtail's own check counts
    "add" as "change", since owners may edit the pages they added)."""
    from wagtail.permissions import page_permission_policy

    if user.is_superuser:
        return True
    held = page_permission_policy.get_cached_permissions_for_user(user)
    return any(p.permission.codename in ("change_page", "publish_page") for p in held)


def reader_mask(user, case, revealed=False):
    """How this user reads the case's free text (title, description, place, notes, comments):
    as typed for roles with contact rights once they have asked for the contact details (a
    read that is recorded); with personal data masked otherwise, since submitters type phones
    and names into the text as well as into the contact fields."""
    if revealed and can_see_contact_details(user):
        return lambda text: text
    from submissions import masking

    names = masking.case_values(case)
    return lambda text: masking.mask(text, names) if text else text


def can_see_tracking_code(user):
    """The tracking code is the submitter's credential: only station staff, who hand over the
    receipt slip, ever see it. Departments and deputies could otherwise rate their own work."""
    return user.has_perm(SEE_TRACKING_CODE)


def acting_department(user):
    """The department a handler's login acts for, if it holds the right to act for one."""
    return department_of(user) if user.has_perm(ACT_FOR_DEPARTMENT) else None


def addressed_deputy(user):
    """The deputy a deputy's login is, if it holds the right to see cases addressed to them."""
    return deputy_of(user) if user.has_perm(SEE_ADDRESSED) else None


def returned_by_own_department(user, case_pk):
    """Whether the case left this handler's scope because their department returned it."""
    from submissions.models import Assignment, Case

    department = acting_department(user)
    return bool(department) and (
        not Case.objects.visible_to(user).filter(pk=case_pk).exists()
        and Assignment.objects.filter(
            case_id=case_pk, lead_department=department, returned_at__isnull=False
        ).exists()
    )


def visible_rounds(user, case):
    """The case's rounds this user may read: every round for station staff, the committee and
    the addressed deputy; for a department, only the rounds it handled."""
    rounds = case.assignments.all()
    if user.has_perm(SEE_ALL):
        return rounds
    if (deputy := addressed_deputy(user)) and case.deputy_id == deputy.pk:
        return rounds
    department = acting_department(user)
    if department is None:
        return rounds.none()
    return rounds.filter(pk__in=rounds.model.objects.handled_by(department).values("pk"))


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


def case_scope(user):
    """The condition every case query for a signed-in user is filtered by (through
    ``Case.objects.visible_to``): everything for those who see all cases, a department's own
    rounds for a handler, the cases addressed to a deputy; None means no filter."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.has_perm(SEE_ALL):
        return None
    condition = Q(pk__in=[])
    if department := acting_department(user):
        from submissions.models import Assignment

        condition |= Q(pk__in=Assignment.objects.handled_by(department).values("case"))
    if deputy := addressed_deputy(user):
        condition |= Q(deputy=deputy)
    return condition


def scope_key(user):
    """A name for case_scope(user)'s condition: two users with the same key see the same cases
    (so their counts may be shared, see count_cache)."""
    if not (user.is_authenticated and user.is_active):
        return "none"
    if case_scope(user) is None:
        return "all"
    department, deputy = acting_department(user), addressed_deputy(user)
    return f"department={department.pk if department else ''},deputy={deputy.pk if deputy else ''}"
