"""StreamField blocks of a key supervised issue: its meetings and its progress figures."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class MeetingBlock(blocks.StructBlock):
    """One meeting of the working group (调度会): shown as a timeline on the issue's page."""

    date = blocks.DateBlock(label=_("date"))
    title = blocks.CharBlock(label=_("meeting"), max_length=80)
    participants = blocks.TextBlock(label=_("participants"), max_length=500)
    summary = blocks.TextBlock(label=_("summary"), max_length=2000)
    decisions = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("decisions"), min_num=0)

    class Meta:
        icon = "date"
        label = _("meeting")
        template = "disclosure/blocks/meeting.html"


class FigureBlock(blocks.StructBlock):
    """A progress figure with where it comes from, so readers can check it."""

    label = blocks.CharBlock(label=_("figure"), max_length=60, help_text=_("e.g. 担保费率"))
    value = blocks.CharBlock(label=_("value"), max_length=30, help_text=_("e.g. 0.8"))
    unit = blocks.CharBlock(label=_("unit"), max_length=20, required=False)
    source = blocks.CharBlock(label=_("source"), max_length=120)
    as_of = blocks.DateBlock(label=_("as of"))

    class Meta:
        icon = "table"
        label = _("progress figure")
        template = "disclosure/blocks/figure.html"
