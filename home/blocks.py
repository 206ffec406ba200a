"""StreamField blocks for the station's content pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class SectionBlock(blocks.StructBlock):
    """A headed section of prose: one rule, one duty, one part of a notice."""

    heading = blocks.CharBlock(max_length=80, label=_("Heading"))
    body = blocks.RichTextBlock(features=["bold", "italic", "ol", "ul", "link"], label=_("Text"))

    class Meta:
        icon = "doc-full"
        label = _("Section")
        template = "home/blocks/section.html"


class RuleListBlock(blocks.StructBlock):
    """A titled list of short rules, as printed on the station's rules wall."""

    heading = blocks.CharBlock(max_length=80, label=_("Heading"))
    items = blocks.ListBlock(blocks.CharBlock(max_length=300), label=_("Items"))

    class Meta:
        icon = "list-ol"
        label = _("Rule list")
        template = "home/blocks/rule_list.html"


class StepBlock(blocks.StructBlock):
    """One numbered step of a process guide; numbering comes from the order."""

    title = blocks.CharBlock(max_length=80, label=_("Step"))
    description = blocks.TextBlock(max_length=1000, label=_("What happens"))
    responsible = blocks.CharBlock(max_length=80, required=False, label=_("Who does it"))
    time_limit = blocks.CharBlock(max_length=40, required=False, label=_("Time limit"))

    class Meta:
        icon = "order"
        label = _("Step")


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(
        features=["h2", "h3", "bold", "italic", "ol", "ul", "link"], label=_("Paragraph")
    )
    image = ImageBlock(label=_("Image"))
    quote = blocks.BlockQuoteBlock(label=_("Quote"))
