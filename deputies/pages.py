"""Public pages: the deputy wall (with each deputy's profile) and the reception roster."""

import datetime
import itertools
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db import models
from django.db.models import Case, IntegerField, Prefetch, Value, When
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.images import get_image_model
from wagtail.models import Page

# Portraits are 3:4 in every size; the templates' srcset_image tags ask for exactly these.
WALL_RENDITIONS = ("fill-300x400", "fill-600x800")
DEPUTIES_PER_PAGE = 48  # twelve rows of the wall's four columns
PROFILE_RENDITIONS = ("fill-240x320", "fill-480x640")
RECEPTION_WEEKS_SHOWN = 13  # about three months ahead


def resident_first(queryset):
    from deputies.models import Deputy

    return queryset.annotate(
        role_rank=Case(
            When(role=Deputy.Role.RESIDENT, then=Value(0)),
            When(role=Deputy.Role.LIAISON, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("role_rank", "sort_order", "pk")


def profile_context(deputy):
    """The context of a deputy's public profile; the admin preview of a draft renders the
    same page with it."""
    from deputies.models import ReceptionDay

    # Apps that record a deputy's work add facts through a hook: (label, value, css class).
    facts = [fact for facts in hooks.get_hooks("deputy_profile_facts") for fact in facts(deputy)]
    return {
        "deputy": deputy,
        "facts": facts,
        "reception_days": ReceptionDay.objects.upcoming().filter(deputies=deputy)[:3],
        "enterprises": [
            p.enterprise.name
            for p in deputy.pairings.select_related("enterprise").order_by("sort_order")
        ],
    }


class DeputyIndexPage(RoutablePageMixin, Page):
    """代表墙: published, active deputies, residents first, filterable by level and role."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("deputy wall")

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    @path("")
    def wall(self, request):
        from deputies.models import Deputy

        level = request.GET.get("level", "")
        role = request.GET.get("role", "")
        deputies = Deputy.objects.live().filter(is_active=True)
        if level in Deputy.Level.values:
            deputies = deputies.filter(level=level)
        else:
            level = ""
        if role in Deputy.Role.values:
            deputies = deputies.filter(role=role)
        else:
            role = ""
        images = get_image_model().objects.prefetch_renditions(*WALL_RENDITIONS)
        deputies = resident_first(deputies).prefetch_related(Prefetch("photo", queryset=images))
        # Paged, so that a county's hundreds of deputies cost what a station's dozen does.
        wall = Paginator(deputies, DEPUTIES_PER_PAGE).get_page(request.GET.get("page"))
        filters = {"level": level, "role": role}
        return self.render(
            request,
            context_overrides={
                "deputies": wall,
                "query_string": urlencode({key: value for key, value in filters.items() if value}),
                "levels": Deputy.Level.choices,
                "roles": Deputy.Role.choices,
                "selected_level": level,
                "selected_role": role,
            },
        )

    @path("<int:pk>/", name="deputy")
    def profile(self, request, pk):
        from deputies.models import Deputy

        images = get_image_model().objects.prefetch_renditions(*PROFILE_RENDITIONS)
        # An unpublished profile does not exist for the public; a live row is the published one.
        deputy = get_object_or_404(
            Deputy.objects.live().prefetch_related(Prefetch("photo", queryset=images)), pk=pk
        )
        if not deputy.is_active:
            return TemplateResponse(
                request, "deputies/deputy_inactive.html", {"page": self, "deputy": deputy}
            )
        return self.render(
            request,
            template="deputies/deputy_profile.html",
            context_overrides=profile_context(deputy),
        )


class ReceptionPage(Page):
    """接待日: the coming reception and duty days, month by month."""

    intro = models.TextField(_("introduction"), max_length=1000, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        verbose_name = _("reception roster page")

    parent_page_types = ["home.HomePage"]
    subpage_types = []
    max_count_per_parent = 1

    def get_context(self, request, *args, **kwargs):
        from deputies.models import Deputy, ReceptionDay

        context = super().get_context(request, *args, **kwargs)
        until = timezone.localdate() + datetime.timedelta(weeks=RECEPTION_WEEKS_SHOWN)
        days = (
            ReceptionDay.objects.upcoming()
            .filter(date__lte=until)
            .prefetch_related(
                Prefetch("deputies", queryset=Deputy.objects.live().order_by("sort_order"))
            )
        )
        context["months"] = [
            (month, list(group))
            for month, group in itertools.groupby(days, key=lambda d: d.date.replace(day=1))
        ]
        return context
