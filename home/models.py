"""The station's content pages and its site-wide settings."""

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.models import Orderable, Page
from wagtail.search import index

from home.blocks import ArticleBodyBlock, RuleListBlock, SectionBlock, StepBlock
from portal.page_cache import remember

NEWS_PER_PAGE = 10
LISTING_RENDITION = "fill-640x360"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """What is the website's rather than the station's (the station's name, address, phone
    and hours are deputies.Station's): registration numbers, the WeChat code, share image."""

    icp_number = models.CharField(
        _("ICP record number"), max_length=60, blank=True, help_text=_("e.g. 赣ICP备12345678号")
    )
    police_record_number = models.CharField(
        _("public security record number"),
        max_length=60,
        blank=True,
        help_text=_("e.g. 赣公网安备 36000002000001号"),
    )
    wechat_qr = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("WeChat group QR code"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    share_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("share image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when a page is shared in WeChat; at least 1200×630 pixels."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("icp_number"), FieldPanel("police_record_number")],
            heading=_("Site registration"),
        ),
        MultiFieldPanel([FieldPanel("wechat_qr"), FieldPanel("share_image")], heading=_("Images")),
    ]

    class Meta:
        verbose_name = _("site settings")

    @classmethod
    def base_queryset(cls):
        return super().base_queryset().select_related("wechat_qr", "share_image")

    @classmethod
    def for_site(cls, site):
        """Every public page prints these: kept, with their images, until a public change."""
        if site is None:
            return super().for_site(site)  # Wagtail's error
        return remember(f"site_settings:{site.pk}", lambda: super(SiteSettings, cls).for_site(site))


class HomePage(Page):
    """The station's front page; later features add their sections to its template."""

    intro = RichTextField(
        _("introduction"), features=["bold", "italic", "link", "ol", "ul"], blank=True
    )
    submit_heading = models.CharField(
        _("submit box heading"), max_length=80, default="企业有诉求，代表来帮办"
    )
    submit_text = models.CharField(_("submit box text"), max_length=200, blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [FieldPanel("submit_heading"), FieldPanel("submit_text")], heading=_("Submit box")
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "home.RulesPage",
        "home.ProcessGuidePage",
        "home.NewsIndexPage",
        "home.PrivacyNoticePage",
        "deputies.DeputyIndexPage",
        "deputies.ReceptionPage",
        "disclosure.DisclosureIndexPage",
        "disclosure.KeyIssueIndexPage",
        "disclosure.StatisticsPage",
    ]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["latest_news"] = NewsPage.listing(NewsPage.objects.live().descendant_of(self))[:3]
        # Apps above this one (the roster, the notices) add their sections through a hook:
        # each function takes the request and returns (order, html) or None.
        sections = (section(request) for section in hooks.get_hooks("home_page_sections"))
        context["sections"] = [html for _order, html in sorted(filter(None, sections))]
        return context


class RulesPage(Page):
    """制度墙: the station's introduction, work rules and duties."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    body = StreamField(
        [("section", SectionBlock()), ("rule_list", RuleListBlock())],
        verbose_name=_("sections"),
    )

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("rules wall page")


class ProcessGuidePage(Page):
    """办事流程: how an item is handled, as numbered steps."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"))
    closing_note = RichTextField(_("closing note"), features=["bold", "link"], blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("steps"),
        FieldPanel("closing_note"),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("steps")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("process guide page")


class NewsIndexPage(Page):
    """工作动态: the station's news, newest first, paginated."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.NewsPage"]

    class Meta:
        verbose_name = _("news index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = NewsPage.listing(NewsPage.objects.live().child_of(self))
        # get_page: a bad page number gives page 1, one past the end the last page
        context["articles"] = Paginator(articles, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.CharField(_("summary"), max_length=250, blank=True)
    main_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("main image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("main_image"),
        FieldPanel("body"),
        InlinePanel("gallery_images", label=_("Photos")),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["home.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")

    @staticmethod
    def listing(queryset):
        """Newest first, with the listing image's rendition fetched in the same few queries."""
        images = get_image_model().objects.prefetch_renditions(LISTING_RENDITION)
        return queryset.order_by("-date", "-pk").prefetch_related(
            Prefetch("main_image", queryset=images)
        )


class NewsPageGalleryImage(Orderable):
    page = ParentalKey(NewsPage, on_delete=models.CASCADE, related_name="gallery_images")
    image = models.ForeignKey(
        "wagtailimages.Image", verbose_name=_("image"), on_delete=models.CASCADE, related_name="+"
    )
    caption = models.CharField(_("caption"), max_length=250, blank=True)

    panels = [FieldPanel("image"), FieldPanel("caption")]


class PrivacyNoticePage(Page):
    """个人信息保护告知: what is collected, why, who sees it, how long it is kept."""

    effective_date = models.DateField(_("effective date"), default=timezone.localdate)
    body = StreamField([("section", SectionBlock())], verbose_name=_("sections"))

    content_panels = Page.content_panels + [FieldPanel("effective_date"), FieldPanel("body")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("personal-information notice")
