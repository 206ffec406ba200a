"""Admin-only views: printable QR posters, token rotation and the enterprise import."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from deputies.enterprise_import import import_enterprises
from deputies.models import Deputy, Station
from deputies.pages import resident_first
from portal.forms import PlainMessages
from portal.spreadsheets import SheetError

view_deputies = permission_required("deputies.view_deputy", raise_exception=True)


@view_deputies
def poster_index(request):
    deputies = resident_first(Deputy.objects.live().filter(is_active=True))
    return render(
        request,
        "deputies/admin/poster_index.html",
        {"deputies": deputies, "station": Station.default()},
    )


@view_deputies
def deputy_poster(request, pk):
    deputy = get_object_or_404(Deputy.objects.select_related("photo", "station"), pk=pk)
    return render(
        request, "deputies/admin/poster.html", {"deputy": deputy, "station": deputy.station}
    )


@view_deputies
def station_poster(request):
    return render(
        request, "deputies/admin/poster.html", {"deputy": None, "station": Station.default()}
    )


@view_deputies
def poster_sheet(request):
    deputies = resident_first(Deputy.objects.live().filter(is_active=True).select_related("photo"))
    return render(
        request,
        "deputies/admin/poster_sheet.html",
        {"deputies": deputies, "station": Station.default()},
    )


@permission_required("deputies.rotate_qr_token", raise_exception=True)
def rotate_token(request, kind, pk):
    model = {"deputy": Deputy, "station": Station}.get(kind)
    if model is None:
        raise Http404
    holder = get_object_or_404(model, pk=pk)
    if request.method == "POST":
        with transaction.atomic():
            holder = model.objects.select_for_update().get(pk=pk)
            holder.rotate_qr_token()
            log(instance=holder, action="deputies.rotate_qr_token", user=request.user)
        messages.success(
            request,
            _(
                "The QR token of %(name)s was rotated. Print a new poster: "
                "the old one no longer works."
            )
            % {"name": holder},
        )
        return (
            redirect("deputies_poster", pk)
            if kind == "deputy"
            else redirect("deputies_station_poster")
        )
    return render(request, "deputies/admin/rotate_confirm.html", {"holder": holder, "kind": kind})


class ImportForm(PlainMessages, forms.Form):
    file = forms.FileField(label=gettext_lazy("XLSX file"))


@permission_required("deputies.add_enterprise", raise_exception=True)
def import_enterprises_view(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = import_enterprises(form.cleaned_data["file"])
        except SheetError as error:
            form.add_error("file", error.message)
    return render(request, "deputies/admin/import.html", {"form": form, "report": report})
