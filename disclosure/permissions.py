"""Page permissions this app needs: station staff add notices under the disclosure list
(they press 生成公示); editors and moderators keep Wagtail's own permissions on the tree."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from submissions import roles


def grant_staff_notice_permission(index):
    """Every group holding the station's screening right (whatever it is called now), or the
    station staff bundle when no group holds it yet (a fresh database)."""
    app_label, codename = roles.SCREEN.split(".")
    groups = list(
        Group.objects.filter(
            permissions__content_type__app_label=app_label, permissions__codename=codename
        )
    ) or [Group.objects.get_or_create(name=roles.STAFF)[0]]
    add_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="add_page")
    for group in groups:
        GroupPagePermission.objects.get_or_create(group=group, page=index, permission=add_page)


def on_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        grant_staff_notice_permission(instance)
