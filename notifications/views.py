"""My messages (我的消息): the messages addressed to the signed-in login, so that none is lost
when an e-mail or an SMS does not arrive."""

from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from notifications.models import Notification
from submissions.models import Case


def own_messages(user):
    """The login's messages about cases it may still see (a department that returned a case
    as not its remit no longer reads about it) and those about no case."""
    visible = Q(case__isnull=True) | Q(case__in=Case.objects.visible_to(user).values("pk"))
    return Notification.objects.filter(visible, channel=Notification.Channel.INBOX, user=user)


def inbox(request):
    messages = own_messages(request.user).select_related("case").order_by("-created_at", "-pk")
    page = Paginator(messages, 20).get_page(request.GET.get("p"))
    unread = own_messages(request.user).filter(read_at__isnull=True).count()
    return render(request, "notifications/admin/inbox.html", {"page": page, "unread": unread})


def open_message(request, pk):
    """Mark the message read and go to its case."""
    message = get_object_or_404(own_messages(request.user), pk=pk)
    if message.read_at is None:
        own_messages(request.user).filter(pk=pk).update(read_at=timezone.now())
    if message.case_id:
        return redirect("submissions_case", message.case_id)
    return redirect("notifications_inbox")


@require_POST
def mark_all_read(request):
    own_messages(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("notifications_inbox")
