"""Wagtail's migrations call the root of the page tree and of the collections "Root"; the
station's back office is in Chinese, and editors see both names."""

from django.db import migrations


def rename(apps, schema_editor, page_title="根目录", collection_name="根目录"):
    apps.get_model("wagtailcore", "Page").objects.filter(depth=1).update(
        title=page_title, draft_title=page_title
    )
    apps.get_model("wagtailcore", "Collection").objects.filter(depth=1).update(name=collection_name)


def restore(apps, schema_editor):
    rename(apps, schema_editor, page_title="Root", collection_name="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_create_homepage"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]
    operations = [migrations.RunPython(rename, restore)]
