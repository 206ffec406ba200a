"""Staff views: record an offline item, see a case with its photos, print a receipt slip."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from deputies.models import Station
from submissions.forms import StaffCaseForm
from submissions.intake import create_case
from submissions.models import Case, CasePhoto


@permission_required("submissions.add_case", raise_exception=True)
def record_case(request):
    form = StaffCaseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        case, _created = create_case(
            station=Station.default(),
            actor=request.user,
            photos=form.cleaned_data["photos"],
            **form.case_fields(),
        )
        return redirect("submissions_case", case.pk)
    recent = Case.objects.select_related("category").order_by("-created_at")[:10]
    return render(request, "submissions/admin/record.html", {"form": form, "recent": recent})


@permission_required("submissions.view_case", raise_exception=True)
def case_detail(request, pk):
    case = get_object_or_404(
        Case.objects.select_related("category", "deputy", "enterprise", "recorded_by"), pk=pk
    )
    return render(
        request,
        "submissions/admin/case.html",
        {
            "case": case,
            "photos": case.photos.all(),
            "events": case.events.select_related("actor"),
        },
    )


@permission_required("submissions.view_case", raise_exception=True)
def case_receipt(request, pk):
    case = get_object_or_404(Case.objects.select_related("category", "station"), pk=pk)
    track_base = settings.WAGTAILADMIN_BASE_URL + reverse("track")
    return render(
        request, "submissions/admin/receipt.html", {"case": case, "track_base": track_base}
    )


@never_cache
@permission_required("submissions.view_case", raise_exception=True)
def case_photo(request, pk):
    """The only way to a stored photo: private storage has no public URL."""
    photo = get_object_or_404(CasePhoto, pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
