"""Two people acting on one case at once. A transactional test, so it lives apart from
test_workflow.py, whose tests share one open transaction (conftest.module_data)."""

from submissions import roles, workflow
from submissions.models import CaseEvent
from tests.factories import DepartmentFactory, make_case, make_user, race


def test_two_handlers_acting_at_once_exactly_one_wins(concurrent_db):
    department = DepartmentFactory()
    first, second = (make_user(f"h{n}", roles.HANDLER, department=department) for n in (1, 2))
    case = make_case()
    workflow.accept(case, make_user("s", roles.STAFF))
    workflow.assign(case, make_user("c", roles.COMMITTEE), department)

    outcomes = race(*(lambda user=user: workflow.sign(case, user) for user in (first, second)))
    assert sorted(outcomes) == sorted(["won", "该诉求件已经签收。"])
    assert CaseEvent.objects.filter(case=case, action="signed").count() == 1
