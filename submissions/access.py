"""What every case view starts with: the right to view cases at all, then the one case, found
only within the user's scope (Case.objects.visible_to)."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404

from submissions.models import Case

view_cases = permission_required("submissions.view_case", raise_exception=True)


def visible_case(user, pk):
    """The case if this user's role lets them see it; 404 otherwise, whatever the URL."""
    queryset = Case.objects.visible_to(user).select_related(
        "category",
        "deputy",
        "enterprise",
        "recorded_by",
        "station",
        "current_assignment__lead_department",
        "merged_into",
    )
    return get_object_or_404(queryset, pk=pk)
