"""The third list made public: disclosure notices (公示), key supervised issues (重点督办) and the
statistics page. Notices and issues are pages, so they go through Wagtail's moderation."""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from disclosure import stats
from disclosure.blocks import FigureBlock, MeetingBlock
from disclosure.forms import DisclosureNoticeForm, NoticeFilterForm, StatsPeriodForm
from portal import page_cache
from submissions import masking
from submissions.models import Assignment, Case, Feedback
from visits import coverage
from visits.models import VisitCampaign

NOTICES_PER_PAGE = 20


class DisclosureIndexPage(RoutablePageMixin, Page):
    """公示清单: the live notices, newest first, with filters, a search and a printable month."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["disclosure.DisclosureNotice"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("disclosure list")

    def notices(self):
        return (
            DisclosureNotice.objects.live()
            .child_of(self)
            .select_related("category", "department")
            .order_by("-disclosed_on", "-pk")
        )

    @path("")
    def listing(self, request):
        form = NoticeFilterForm(request.GET or None)
        notices = form.filter(self.notices())
        context = self.get_context(request)
        context.update(
            filters=self.filters(request, form),
            notices=Paginator(notices, NOTICES_PER_PAGE).get_page(request.GET.get("page")),
            query_string=form.query_string(),
            months=self.months(),
        )
        return TemplateResponse(request, "disclosure/disclosure_index_page.html", context)

    def filters(self, request, form):
        """The filter form. Empty, it is the same for every visitor and a third of the list's
        drawing time (crispy's field templates, the choices from the database), so it is kept."""
        template, context = "disclosure/includes/notice_filters.html", {"form": form, "page": self}
        name = f"notice_filters:{self.pk}"
        return page_cache.remember_rendered(name, template, context, request, not form.is_bound)

    @path("print/<int:year>/<int:month>/", name="print")
    def print_month(self, request, year, month):
        try:
            first = datetime.date(year, month, 1)
        except ValueError:
            raise Http404 from None
        notices = self.notices().filter(
            disclosed_on__year=first.year, disclosed_on__month=first.month
        )
        context = self.get_context(request)
        context.update(month=first, notices=notices.order_by("disclosed_on", "pk"))
        return TemplateResponse(request, "disclosure/print_month.html", context)

    def months(self):
        """The months that have notices, newest first, for the print links."""
        return list(
            DisclosureNotice.objects.live()
            .child_of(self)
            .dates("disclosed_on", "month", order="DESC")[:24]
        )


class DisclosureNotice(Page):
    """One solved case, redacted, for the public board (问题督办解决公示栏)."""

    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="disclosure_notices",
    )
    reference = models.CharField(_("reference number"), max_length=30)
    category = models.ForeignKey(
        "submissions.Category",
        verbose_name=_("category"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "submissions.Department",
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Assignment.Outcome.choices, blank=True
    )
    rating = models.CharField(
        _("satisfaction"), max_length=30, choices=Feedback.Rating.choices, blank=True
    )
    received_on = models.DateField(_("received on"), null=True, blank=True)
    replied_on = models.DateField(_("replied on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    disclosed_on = models.DateField(_("disclosed on"), default=timezone.localdate, db_index=True)
    summary = models.TextField(_("the problem, anonymised"), max_length=2000)
    handling = models.TextField(_("how it was handled"), max_length=5000)
    # The suspicious fragments an editor has confirmed are not personal data, one per line.
    confirmed_leftovers = models.TextField(blank=True, editable=False)

    # Masked on every save and checked before publishing: everything the public reads,
    # the page's <title> and description (seo_title, search_description) included.
    PUBLIC_TEXT_FIELDS = ("title", "seo_title", "search_description", "summary", "handling")
    base_form_class = DisclosureNoticeForm
    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("reference", read_only=True),
                FieldRowPanel([FieldPanel("category"), FieldPanel("department")]),
                FieldRowPanel([FieldPanel("outcome"), FieldPanel("rating")]),
                FieldRowPanel([FieldPanel("received_on"), FieldPanel("replied_on")]),
                FieldRowPanel([FieldPanel("closed_on"), FieldPanel("disclosed_on")]),
            ],
            heading=_("From the case"),
        ),
        FieldPanel("summary"),
        FieldPanel("handling"),
        FieldPanel("confirm_leftovers"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("handling"),
        index.FilterField("reference"),
    ]
    parent_page_types = ["disclosure.DisclosureIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("disclosure notice")
        verbose_name_plural = _("disclosure notices")

    def unconfirmed_leftovers(self, text=None):
        """What still looks personal in text (by default this notice's public text) and an
        editor has not confirmed yet."""
        if text is None:
            text = "\n".join(getattr(self, name) or "" for name in self.PUBLIC_TEXT_FIELDS)
        confirmed = set(self.confirmed_leftovers.splitlines())
        return [part for part in masking.leftovers(text) if part not in confirmed]

    def publish(self, revision, *args, **kwargs):
        # The editor form refuses this with a message next to the field; this catches every
        # other way in (a moderator approving a draft saved during moderation, the shell).
        if revision.as_object().unconfirmed_leftovers():
            raise PermissionDenied(
                gettext("The notice still contains text that looks like personal data.")
            )
        return super().publish(revision, *args, **kwargs)


class KeyIssueIndexPage(Page):
    """重点督办: the key supervised issues, newest year first."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["disclosure.KeyIssue"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("key supervised issues")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["issues"] = KeyIssue.objects.live().child_of(self).order_by("-year", "title")
        return context


def this_year():
    return timezone.localdate().year


class KeyIssue(Page):
    """A common problem the director's meeting put under key supervision for a year."""

    year = models.PositiveIntegerField(_("year"), default=this_year)
    lead = models.CharField(_("leading official"), max_length=60)
    members = models.TextField(
        _("working group"), max_length=1000, help_text=_("One member per line.")
    )
    goal = RichTextField(_("goal"), features=["bold", "ol", "ul", "link"])
    meetings = StreamField([("meeting", MeetingBlock())], verbose_name=_("meetings"), blank=True)
    figures = StreamField(
        [("figure", FigureBlock())], verbose_name=_("progress figures"), blank=True
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("year"), FieldPanel("lead")]),
        FieldPanel("members"),
        FieldPanel("goal"),
        FieldPanel("meetings"),
        FieldPanel("figures"),
    ]
    parent_page_types = ["disclosure.KeyIssueIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("key supervised issue")
        verbose_name_plural = _("key supervised issues")

    @property
    def member_list(self):
        return [line.strip() for line in self.members.splitlines() if line.strip()]

    def linked_cases(self):
        return (
            Case.objects.filter(key_issue_link__key_issue=self)
            .select_related("category")
            .order_by("-received_on", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        cases = list(self.linked_cases())
        live = {
            notice.case_id: notice
            for notice in DisclosureNotice.objects.live().filter(case__in=cases)
        }
        for case in cases:
            case.public_notice = live.get(case.pk)
        closed = [case for case in cases if case.status == Case.Status.CLOSED]
        context.update(
            closed_cases=closed,
            open_cases=[case for case in cases if case.status != Case.Status.CLOSED],
        )
        return context


class KeyIssueCase(models.Model):
    """Links a case to the key issue it belongs to; kept outside page revisions, because
    linking changes the case's supervision at once (see disclosure/key_issues.py)."""

    key_issue = models.ForeignKey(
        KeyIssue, verbose_name=_("key issue"), on_delete=models.CASCADE, related_name="case_links"
    )
    case = models.OneToOneField(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="key_issue_link"
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("case of a key issue")
        verbose_name_plural = _("cases of key issues")

    def __str__(self):
        return f"{self.key_issue} · {self.case.reference}"


class StatisticsPage(Page):
    """数据统计: figures computed from the cases, never typed; see disclosure/stats.py."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("statistics page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        form = StatsPeriodForm(request.GET or None)
        today = timezone.localdate()
        period = form.chosen()
        figures = stats.figures(period.start, period.end)
        months = [
            dict(row, name=date_format(row["month"], "YEAR_MONTH_FORMAT"))
            for row in figures["by_month"]
        ]
        context.update(
            period_form=self.period_form(request, form),
            period=period,
            figures=figures,
            months=months,
        )
        campaign, reach = page_cache.remember(f"stats_campaign:{today}", current_campaign_reach)
        if campaign:
            context.update(campaign=campaign, campaign_figures=reach)
        return context

    def period_form(self, request, form):
        """The choice of period. Unchosen, it is the same for every visitor on a given day (the
        choices start from today), so it is kept: crispy's field templates are costly."""
        template, context = "disclosure/includes/period_form.html", {"form": form}
        name = f"stats_period_form:{timezone.localdate(timezone=stats.SHANGHAI)}"
        return page_cache.remember_rendered(name, template, context, request, not form.is_bound)


def current_campaign_reach():
    """The visiting campaign the statistics show and its reach: (None, None) without one."""
    campaign = VisitCampaign.current()
    return campaign, campaign and coverage.campaign_reach(campaign)
