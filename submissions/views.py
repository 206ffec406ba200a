"""Public views: the submission form, its confirmation, tracking and rating."""

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail import hooks

from deputies.models import Deputy, Enterprise, Station
from deputies.views import find_holder
from home.models import PrivacyNoticePage
from portal import ratelimit
from submissions import staging, tracking
from submissions.forms import FeedbackForm, SubmissionForm, TrackForm
from submissions.intake import create_case
from submissions.models import Case, Feedback
from submissions.workflow import WorkflowError, record_feedback, refusal

SESSION_KEY = "submitted_cases"


@never_cache
@require_http_methods(["GET", "POST"])
def submit(request):
    station = Station.default()
    if station is None:
        raise Http404
    return submission_form(request, station=station, deputy=None)


@never_cache
@require_http_methods(["GET", "POST"])
def qr_entry(request, token):
    """/q/<token>/: the permanent entry printed on posters; it must never change."""
    holder = find_holder(token)
    if holder is None:
        return render(request, "submissions/qr_unknown.html", status=404)
    if isinstance(holder, Deputy):
        if not holder.is_active:
            return render(request, "deputies/deputy_inactive.html", {"deputy": holder})
        return submission_form(request, station=holder.station, deputy=holder)
    return submission_form(request, station=holder, deputy=None)


def submission_form(request, *, station, deputy):
    privacy = PrivacyNoticePage.objects.live().first()
    form = SubmissionForm(
        request.POST or None,
        request.FILES or None,
        privacy_url=privacy.url if privacy else "",
        staging_owner=staging.owner(request),
    )
    kept_token, kept = "", []
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["website"]:
            form.add_error(None, _("The form could not be sent. Please try again."))
        elif refusal := rate_limited(request, form.cleaned_data["submitter_phone"]):
            form.add_error(None, refusal)
            kept_token, kept = staging.keep(request, form)
        else:
            fields = form.case_fields()
            case, _created = create_case(
                station=station,
                deputy=deputy,
                channel=Case.Channel.ONLINE,
                consent_given=True,
                photos=form.all_photos(),
                submission_key=form.cleaned_data["submission_key"],
                **fields,
            )
            staging.discard(form.kept + form.removed)
            remember_case(request, case)
            return redirect("submission_done", reference=case.reference)
    elif request.method == "POST":
        kept_token, kept = staging.keep(request, form)
    return render(
        request,
        "submissions/submit.html",
        {
            "form": form,
            "deputy": deputy,
            "station": station,
            "kept_token": kept_token,
            "kept_photos": kept,
            "enterprise_names": Enterprise.objects.filter(is_active=True).values_list(
                "name", flat=True
            ),
        },
    )


def rate_limited(request, phone):
    ip_limit, ip_window = settings.SUBMISSION_RATE_PER_IP
    phone_limit, phone_window = settings.SUBMISSION_RATE_PER_PHONE
    if not ratelimit.hit(f"submit-ip:{ratelimit.client_ip(request)}", ip_limit, ip_window):
        return _(
            "Too many submissions from this network. Please try again in an hour, or "
            "call the station."
        )
    if not ratelimit.hit(f"submit-phone:{phone}", phone_limit, phone_window):
        return _("Too many submissions with this phone number today. Please call the station.")
    return None


def remember_case(request, case):
    """Only the browser that submitted may see the confirmation with the tracking code."""
    request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], case.pk]


@never_cache
def submission_done(request, reference):
    case = get_object_or_404(Case, reference=reference, pk__in=request.session.get(SESSION_KEY, []))
    track_url = tracking.link_path(case)
    return render(request, "submissions/done.html", {"case": case, "track_url": track_url})


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    """/track/: the typed look-up. An old link with the code in its query string (SMS sent
    before signed links) still opens the case, through a redirect to a signed link: the code
    leaves the address bar before the page can be forwarded, and old messages keep working."""
    data = (
        request.POST
        if request.method == "POST"
        else (request.GET if "reference" in request.GET else None)
    )
    form = TrackForm(data)
    case, error, status = None, None, 200
    if data is not None and form.is_valid():
        case, error, status = look_up(
            request, form.cleaned_data["reference"], form.cleaned_data["code"]
        )
    if case and request.method == "GET":
        return redirect(tracking.link_path(case))
    return case_page(request, form, case, error, status)


@never_cache
@require_http_methods(["GET", "POST"])
def track_link(request, token):
    """/track/<token>/: a signed link from a message or a page opens the case, no code typed."""
    try:
        case = tracking.case_for_link(token)
    except tracking.Refused as refused:
        return case_page(request, TrackForm(), None, str(refused), refused.status)
    return case_page(request, TrackForm(), case, None, 200, link=request.path)


def case_page(request, form, case, error, status, link=None):
    """link: the signed link the page was opened with; the rating goes back through it, so
    the page hands out no link that lasts longer (one from a list lasts only minutes)."""
    feedback_form = None
    if case and rating_posted(request) and case.status != Case.Status.AWAITING_FEEDBACK:
        # A second tab, or the loser of two ratings racing: say so rather than ignore it.
        messages.error(request, refusal(case, None, "rate"))
    elif case and case.status == Case.Status.AWAITING_FEEDBACK:
        if request.user.is_authenticated:
            # Only the submitter rates here. A logged-in account is staff, a department or a
            # deputy: staff record the submitter's rating as a follow-up on the case page.
            messages.info(
                request,
                _(
                    "Signed-in staff cannot rate here. Station staff record "
                    "the submitter's rating as a follow-up on the case page."
                ),
            )
        else:
            feedback_form = rate(request, case)
            if feedback_form is None:
                case.refresh_from_db()
    return render(
        request,
        "submissions/track.html",
        {
            "form": form,
            "case": case,
            "error": error,
            "feedback_form": feedback_form,
            # The rating goes to a signed link, so the page never holds the tracking code.
            "rate_url": (link or tracking.link_path(case)) if feedback_form else None,
            "events": case.public_events() if case else [],
            # (label, url) pairs other apps add, e.g. the case's published disclosure notice
            "public_links": [
                link for hook in hooks.get_hooks("case_public_links") for link in hook(case)
            ]
            if case
            else [],
        },
        status=status,
    )


def rating_posted(request):
    """The rating form was sent (its hidden "rate" field), with or without a rating chosen:
    one sent without a choice is told to choose, and keeps its comment."""
    return "rate" in request.POST or "rating" in request.POST


def rate(request, case):
    """The submitter's own rating; returns the form to show again, or None once it is done."""
    form = FeedbackForm(request.POST if rating_posted(request) else None)
    if not (form.is_bound and form.is_valid()):
        return form
    try:
        record_feedback(case, form.cleaned_data["rating"], form.cleaned_data["comment"])
        if form.cleaned_data["rating"] == Feedback.Rating.UNSATISFIED:
            # workflow.record_feedback: a new round with the same department, under continued
            # supervision and with a new deadline, which the tracker shows below.
            messages.success(
                request,
                _(
                    "Thank you, your rating has been recorded. The case has gone back to the "
                    "handling department under continued supervision; it must reply to you "
                    "in writing again."
                ),
            )
        else:
            messages.success(request, _("Thank you, your rating has been recorded."))
    except WorkflowError as error:
        messages.error(request, str(error))
    return None


def look_up(request, reference, code):
    """(case, None, 200) for a right pair, else (None, a plain message, status): the rules,
    a lock per reference and a wide ceiling per address, are submissions.tracking's."""
    try:
        return tracking.look_up(reference, code, ratelimit.client_ip(request)), None, 200
    except tracking.Refused as refused:
        return None, str(refused), refused.status
