"""Look-alike cases: what the case page suggests merging. The same enterprise, or a title that
reads much the same (compared character by character, which suits Chinese without a word
segmenter), among the open cases of the last months; never more than a bounded set is read."""

import datetime
from difflib import SequenceMatcher

from django.db.models import Q
from django.utils import timezone

from submissions.models import Case

WINDOW = datetime.timedelta(days=180)
CANDIDATES = 300  # the most recent open cases compared; the page never reads more
SIMILAR = 0.6  # SequenceMatcher ratio from which two titles read as the same matter


def look_alikes(case, user, limit=5):
    """Open cases this user may see that may be the same matter as case, closest first."""
    same_enterprise = Q(enterprise_id=case.enterprise_id) if case.enterprise_id else Q(pk__in=[])
    if case.enterprise_name:
        same_enterprise |= Q(enterprise_name=case.enterprise_name)
    candidates = (
        Case.objects.visible_to(user)
        .open()
        .exclude(pk=case.pk)
        .filter(created_at__gte=timezone.now() - WINDOW)
        .only("pk", "reference", "title", "status", "enterprise_id", "enterprise_name")
        .order_by("-created_at")
    )
    enterprise_pks = set(candidates.filter(same_enterprise).values_list("pk", flat=True)[:50])
    scored = []
    for other in candidates[:CANDIDATES]:
        ratio = SequenceMatcher(None, case.title, other.title).ratio()
        if other.pk in enterprise_pks or ratio >= SIMILAR:
            scored.append((other.pk in enterprise_pks, ratio, other))
    scored.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [other for _same, _ratio, other in scored[:limit]]
