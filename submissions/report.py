"""The director's-meeting report (主任会议报告): the period's figures (submissions/metrics.py), by
category and by department, and the attention list: every case under supervision now, each with
the reasons it is there (board.py: 逾期 N 天, 不满意, 答复退回重办, 重点督办, 承诺事项)."""

from submissions import board, metrics
from submissions.models import Case


def build(start, end):
    figures = metrics.compute(start, end, by_month=False)
    now = figures["now"]
    attention = list(
        board.with_reasons(Case.objects.filter(board.supervision_condition(now)))
        .select_related("current_assignment__lead_department")
        .prefetch_related("assignments__lead_department")
        .order_by("current_assignment__due_at", "pk")
    )
    for case in attention:
        case.reasons = board.supervision_reasons(case, now)
    figures["attention"] = attention
    return figures
