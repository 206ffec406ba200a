"""The roles as groups, with their permissions set here in code rather than by hand."""

from django.db import migrations

from submissions.roles import GROUP_PERMISSIONS, RENAMED_WAGTAIL_GROUPS, migrate_role_groups


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUP_PERMISSIONS).delete()
    for old, new in RENAMED_WAGTAIL_GROUPS.items():
        Group.objects.filter(name=new).update(name=old)


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_workflow"),
        ("deputies", "0001_initial"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]
    operations = [migrations.RunPython(migrate_role_groups, remove_roles)]
