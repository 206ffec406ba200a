"""The dashboard opens on each user's own work: how many cases wait in each of their queues,
and what waits for them, oldest or most urgent first, each with a link to the case. Which
sections a user gets follows their rights."""

from urllib.parse import urlencode

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.components import Component

from submissions import board, roles
from submissions.models import Case
from submissions.queues import QUEUES, board_is_shown_to, counts_for, due_band

S = Case.Status
LIMIT = 10  # the rest is one click away, in the section's queue


def work_sections(user):
    """(title, queue URL name, cases) for each kind of work waiting for this user."""
    cases = Case.objects.visible_to(user).select_related(
        "category", "enterprise", "current_assignment__lead_department"
    )
    sections = []
    if user.has_perm(roles.SCREEN):
        sections.append(
            (_("To accept (待受理)"), "intake", cases.filter(status=S.SUBMITTED).order_by("pk"))
        )
    if department := roles.acting_department(user):
        mine = cases.filter(current_assignment__lead_department=department).order_by(
            "current_assignment__due_at"
        )
        sections += [
            (_("To sign for (待签收)"), "claims", mine.filter(board.unsigned())),
            (_("To reply to (待答复)"), "claims", mine.filter(board.signed())),
        ]
    if user.has_perm(roles.ASSIGN):
        sections += [
            (
                _("To assign (待交办)"),
                "problems",
                # Cases a department returned first, saying who returned them and why.
                cases.filter(status=S.LISTED)
                .annotate(**board.latest_return())
                .order_by(F("returned_at").desc(nulls_last=True), "pk"),
            ),
            (
                _("Replies to review (待审核答复)"),
                "review",
                cases.filter(status=S.REPLIED).order_by("current_assignment__replied_at"),
            ),
            (
                _("Extension requests (待审批延期)"),
                "extensions",
                cases.filter(board.awaiting_extension()).order_by("current_assignment__due_at"),
            ),
        ]
    return sections


class QueueCountsPanel(Component):
    """The dashboard's first panel: the user's own queues and how many cases wait in each."""

    name = "case_queues"
    order = 50
    template_name = "submissions/admin/dashboard_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        counts = counts_for(self.request)
        shown = [q for q in QUEUES if q.is_shown_to(user)]
        return {
            "queues": [(q.menu_label, reverse(f"{q.name}:index"), counts[q.name]) for q in shown]
        }


@hooks.register("construct_homepage_panels")
def add_queue_panel(request, panels):
    if request.user.has_perm("submissions.view_case"):
        panels.insert(0, QueueCountsPanel(request))


class WorkPanel(Component):
    name = "my_work"
    order = 45
    template_name = "submissions/admin/work_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        rows = []
        for title, queue, cases in work_sections(user):
            items = list(cases[: LIMIT + 1])
            more, items = len(items) > LIMIT, items[:LIMIT]
            for case in items:
                shown = roles.reader_mask(user, case)
                case.shown_title = shown(case.title)
                if getattr(case, "returned_by", None):
                    case.shown_return_reason = shown(case.return_reason)
                if case.status == S.ASSIGNED and case.current_assignment:
                    case.band = due_band(case.current_assignment)
            rows.append({"title": title, "queue": f"{queue}:index", "cases": items, "more": more})
        return {"sections": rows}


@hooks.register("construct_homepage_panels")
def dashboard_for_role(request, panels):
    """Work first; Wagtail's page summary ("41 个页面 · 22 张图片") only for those who edit
    pages, since the others have no pages to look after."""
    user = request.user
    if not roles.edits_pages(user):
        panels[:] = [panel for panel in panels if panel.name != "site_summary"]
    if work_sections(user):
        panels.insert(0, WorkPanel(request))


def most_overdue(days):
    """最长逾期 N 天: the longest delay, in words."""
    longest = _("Most overdue (最长)")
    return longest + _("%(days)d days overdue") % {"days": days}


def queue_link(user, name, **filters):
    """The queue's URL with these filters, or None when the user's menu does not offer it."""
    queue = next(q for q in QUEUES if q.name == name)
    if not queue.is_shown_to(user):
        return None
    url = reverse(f"{name}:index")
    return f"{url}?{urlencode(filters, doseq=True)}" if filters else url


class SupervisionBoard(Component):
    """督办看板 (红黄绿灯): how many cases wait in each state that needs the committee or the
    station, and per department what is unsigned, in hand, due soon, overdue and awaiting an
    extension decision; each figure links to the list it counts. Two queries whatever the
    number of cases: the request's counts (shared with the menu) and one grouped by department."""

    name = "supervision_board"
    order = 42
    template_name = "submissions/admin/supervision_board.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user, now = self.request.user, timezone.now()
        counts = counts_for(self.request, now)
        oldest = counts["oldest_overdue_due"]

        def tile(label, count, url, level="plain", detail=""):
            return {"label": label, "count": count, "url": url, "level": level, "detail": detail}

        tiles = [
            tile(_("To assign (待交办)"), counts.get("problems"), queue_link(user, "problems")),
            tile(
                _("Returned (已退回)"),
                counts.get("returned"),
                queue_link(user, "returned"),
                "soon" if counts.get("returned") else "plain",
            ),
            tile(
                _("Extension requests (待审批延期)"),
                counts.get("extensions"),
                queue_link(user, "extensions"),
            ),
            tile(
                _("Replies to review (待审核答复)"),
                counts.get("review"),
                queue_link(user, "review"),
            ),
            tile(
                _("Due soon (即将到期)"),
                counts.get("due_soon"),
                queue_link(user, "claims", due_soon="true", ordering="due"),
                "soon" if counts.get("due_soon") else "plain",
            ),
            tile(
                _("Overdue"),
                counts.get("overdue"),
                queue_link(user, "claims", overdue="true", ordering="due"),
                "overdue" if counts.get("overdue") else "plain",
                most_overdue(board.days_overdue(oldest, now)) if oldest else "",
            ),
            tile(
                _("Unsatisfied / continued supervision (不满意/持续督办)"),
                counts.get("continued"),
                queue_link(user, "supervision", reason=["unsatisfied", "sent_back"]),
            ),
            tile(
                _("Key supervised issue"),
                counts.get("key"),
                queue_link(user, "supervision", reason="key"),
            ),
        ]
        # The review queue is the committee's; station staff see the others.
        tiles = [t for t in tiles if t["count"] is not None]
        rows = board.department_rows(Case.objects.visible_to(user), now)
        for row in rows:
            department = row["pk"]
            if row["overdue"]:
                row["overdue_label"] = _("%(days)d days overdue") % {
                    "days": row["most_days_overdue"]
                }
            row["links"] = {
                "unsigned": queue_link(user, "claims", department=department, signed="false"),
                "in_hand": queue_link(user, "claims", department=department, signed="true"),
                "due_soon": queue_link(
                    user, "claims", department=department, due_soon="true", ordering="due"
                ),
                "overdue": queue_link(
                    user, "claims", department=department, overdue="true", ordering="due"
                ),
                "extensions": queue_link(user, "extensions", department=department),
            }
        return {"tiles": tiles, "departments": rows}


@hooks.register("construct_homepage_panels")
def add_supervision_board(request, panels):
    if board_is_shown_to(request.user):
        panels.append(SupervisionBoard(request))
