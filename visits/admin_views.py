"""Staff screens of visits: record a visit with its items, add items later, a campaign's
coverage and summary (with the not-yet-visited list as XLSX), and the teams' full coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.xlsx_print import WRAP, Column, PrintableWorkbook, attachment
from visits import coverage
from visits.forms import ItemFormSet, VisitForm
from visits.intake import add_items, record_visit
from visits.models import Visit, VisitCampaign, VisitTeam

add_visits = permission_required("visits.add_visit", raise_exception=True)
view_visits = permission_required("visits.view_visit", raise_exception=True)


@add_visits
def record(request):
    form = VisitForm(request.POST or None, initial={"date": timezone.localdate()})
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        visit = record_visit(actor=request.user, items=items.items(), **form.cleaned_data)
        messages.success(request, raised_message(visit.cases.count()))
        return redirect("visits_visit:edit", visit.pk)
    return render(request, "visits/admin/record.html", {"form": form, "items": items})


@add_visits
def add_raised_items(request, pk):
    visit = get_object_or_404(Visit.objects.select_related("enterprise"), pk=pk)
    items = ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and items.is_valid():
        with transaction.atomic():
            cases = add_items(visit, items.items(), request.user)
        messages.success(request, raised_message(len(cases)))
        return redirect("visits_visit:edit", visit.pk)
    return render(request, "visits/admin/record.html", {"visit": visit, "items": items})


def raised_message(count):
    return _("Visit recorded; %(count)d item(s) entered the intake queue.") % {"count": count}


@view_visits
def campaign(request, pk):
    campaign = get_object_or_404(VisitCampaign, pk=pk)
    return render(
        request,
        "visits/admin/campaign.html",
        {
            "campaign": campaign,
            "period": f"{campaign.start:%Y-%m-%d} – {campaign.end:%Y-%m-%d}",
            "coverage": coverage.coverage(campaign),
            "summary": coverage.summary(campaign),
        },
    )


@view_visits
def not_visited_xlsx(request, pk):
    """The enterprises a campaign has not reached yet, as a sheet that prints."""
    campaign = get_object_or_404(VisitCampaign, pk=pk)
    book = PrintableWorkbook()
    label = _("Not visited yet")
    title = f"{campaign.name} {label}（{campaign.start:%Y-%m-%d} – {campaign.end:%Y-%m-%d}）"
    columns = [
        Column(_("Enterprise"), 28, WRAP),
        Column(_("Credit code"), 22),
        Column(_("Address"), 30, WRAP),
        Column(_("Contact"), 22, WRAP),
        Column(_("Team"), 20, WRAP),
    ]
    sheet = book.sheet(label, title, columns, numbered=True)
    for enterprise in coverage.coverage(campaign)["not_visited"]:
        teams = "、".join(team.name for team in enterprise.visit_teams.all())
        contact = f"{enterprise.contact_name} {enterprise.contact_phone}".strip()
        sheet.row([enterprise.name, enterprise.credit_code, enterprise.address, contact, teams])
    return attachment(book.close(), f"{campaign.name}-{label}.xlsx")


@view_visits
def team_coverage(request):
    teams = VisitTeam.objects.annotate(enterprise_count=Count("enterprises")).order_by("name")
    return render(
        request,
        "visits/admin/team_coverage.html",
        {
            "teams": teams,
            "without_team": coverage.enterprises_without_team(),
        },
    )
