"""Page permissions this app needs: station staff add notices under the disclosure list
(they press 生成公示); editors and moderators keep Wagtail's own permissions on the tree."""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission

from submissions import roles


def grant_staff_notice_permission(index):
    group, _ = Group.objects.get_or_create(name=roles.STAFF)
    add_page = Permission.objects.get(content_type__app_label="wagtailcore", codename="add_page")
    GroupPagePermission.objects.get_or_create(group=group, page=index, permission=add_page)


def on_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        grant_staff_notice_permission(instance)
