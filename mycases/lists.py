"""What a passed SMS code opens: the list of the phone's cases, for MY_CASES_MINUTES, in the
session that passed it. The session keeps the cases' ids, never the phone number."""

import time

from django.conf import settings

from submissions.models import Case

SESSION_KEY = "my_cases"
MAX_CASES = 500  # far more than one person raises; keeps the session small


def open_list(request, phone):
    request.session.cycle_key()  # a new session id once the phone is proven
    ids = Case.objects.filter(submitter_phone=phone).order_by("-pk").values_list("pk", flat=True)
    request.session[SESSION_KEY] = {
        "cases": list(ids[:MAX_CASES]),
        "until": time.time() + settings.MY_CASES_MINUTES * 60,
    }


def close_list(request):
    """The submitter's own end to the list, before its time (a shared or borrowed phone)."""
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()  # the id that opened the list opens nothing more


def listed_cases(request):
    """The cases the session may list, newest first, or None once its time is over."""
    opened = request.session.get(SESSION_KEY)
    if not opened or opened["until"] <= time.time():
        request.session.pop(SESSION_KEY, None)
        return None
    return (
        Case.objects.filter(pk__in=opened["cases"])
        .select_related("category")
        .order_by("-created_at", "-pk")
    )
