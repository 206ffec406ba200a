"""The transition table, generated over every (status, action, role), and the rounds."""

import copy
import datetime
import itertools

import pytest
from django.utils import timezone

from submissions import deadlines, roles, workflow
from submissions.models import Assignment, Case, CaseEvent, CaseLogEntry, Category, Feedback
from submissions.queues import SupervisionQueue
from tests.conftest import module_data
from tests.factories import (
    DepartmentFactory,
    DeputyFactory,
    StationFactory,
    make_case,
    make_user,
)

S = Case.Status
ROLE_NAMES = [roles.STAFF, roles.COMMITTEE, roles.HANDLER, roles.DEPUTY, None]

# The specification, written out independently of workflow.TRANSITIONS.
EXPECTED = {
    ("accept", S.SUBMITTED): {roles.STAFF},
    ("reject", S.SUBMITTED): {roles.STAFF},
    ("merge", S.SUBMITTED): {roles.STAFF},
    ("merge", S.LISTED): {roles.STAFF},
    ("assign", S.LISTED): {roles.COMMITTEE},
    ("sign", S.ASSIGNED): {roles.HANDLER},
    ("return", S.ASSIGNED): {roles.HANDLER},
    ("approve", S.REPLIED): {roles.COMMITTEE},
    ("approve_stage", S.REPLIED): {roles.COMMITTEE},  # case_in's reply is B, with a date
    ("send_back", S.REPLIED): {roles.COMMITTEE},
    ("close", S.AWAITING_FEEDBACK): {roles.COMMITTEE, roles.STAFF},
    ("rate", S.AWAITING_FEEDBACK): {roles.STAFF, None},
}
EXPECTED.update(
    {("note", status): {roles.DEPUTY, roles.STAFF, roles.COMMITTEE} for status in S.values}
)
# A department notes the cases it handles: case_in gives these statuses its round.
EXPECTED.update(
    {
        ("note", status): {roles.DEPUTY, roles.STAFF, roles.COMMITTEE, roles.HANDLER}
        for status in (S.ASSIGNED, S.REPLIED, S.AWAITING_FEEDBACK)
    }
)
# The committee corrects a case's category, type and wording until it is finished.
EXPECTED.update(
    {
        ("reclassify", status): {roles.COMMITTEE}
        for status in S.values
        if status not in (S.CLOSED, S.REJECTED, S.MERGED)
    }
)
EXPECTED.update(
    {
        ("key_supervision", status): {roles.STAFF, roles.COMMITTEE}
        for status in S.values
        if status not in (S.REJECTED, S.MERGED)
    }
)
FOLLOW_UP = {
    "means": "phone",
    "contacted_person": "提交人本人",
    "contacted_at": timezone.now() - datetime.timedelta(hours=1),
}
# reply and the extension pair need a prepared round; they are tested on their own below
ACTIONS = [
    a for a in workflow.TRANSITIONS if a not in ("reply", "request_extension", "decide_extension")
]


# Where each allowed move leaves the case (None: where it was) and the timeline event it writes,
# read off the state diagram in DESIGN §4. What else a move must leave behind is in
# assert_aftermath below.
TARGET = {
    "accept": (S.LISTED, "accepted"),
    "reject": (S.REJECTED, "rejected"),
    "merge": (S.MERGED, "merged"),
    "assign": (S.ASSIGNED, "assigned"),
    "sign": (S.ASSIGNED, "signed"),  # the case stays with the department, now signed for
    "return": (S.LISTED, "returned"),  # back on the problem list for the committee
    "approve": (S.AWAITING_FEEDBACK, "approved"),
    # a stage reply: the case stays with the department, now held to its promised date
    "approve_stage": (S.ASSIGNED, "promised"),
    "send_back": (S.ASSIGNED, "sent_back"),  # a new round for the same department
    "close": (S.CLOSED, "closed"),
    # attempt() rates "satisfied"; an unsatisfied rating reopens (see the rating test below).
    "rate": (S.CLOSED, "feedback"),
    "note": (None, "note"),
    "key_supervision": (None, "key_supervision"),
    "reclassify": (None, "reclassified"),
}


def build_world():
    station = StationFactory()
    department = DepartmentFactory()
    deputy = DeputyFactory(station=station)
    users = {
        role: make_user(
            f"u{i}",
            role,
            department=department if role == roles.HANDLER else None,
            deputy=deputy if role == roles.DEPUTY else None,
        )
        for i, role in enumerate(ROLE_NAMES[:-1])
    }
    users[None] = None
    return {"station": station, "department": department, "deputy": deputy, "users": users}


# Built once for the ~500 tests of the table (a deputy's generated image, four users).
world_once = module_data(build_world)


@pytest.fixture
def world(world_once, db):
    # Every test here makes cases; one left over would mean a test's savepoint leaked.
    assert not Case.objects.exists()
    return copy.deepcopy(world_once)  # changes to the Python objects stay in their test


def case_in(status, world):
    """A case in status, with the round that status implies (signed and replied from replied on,
    approved long enough ago that the feedback period is over)."""
    case = make_case(world["station"], deputy=world["deputy"])
    if status in (S.ASSIGNED, S.REPLIED, S.AWAITING_FEEDBACK):
        now = timezone.now()
        assignment = Assignment(
            case=case,
            lead_department=world["department"],
            assigned_at=now,
            due_at=now + datetime.timedelta(days=7),
        )
        if status != S.ASSIGNED:
            assignment.signed_at = assignment.replied_at = now - datetime.timedelta(days=31)
            assignment.reply_text, assignment.outcome = "正在安装路灯，已完成30盏", "in_progress"
            assignment.expected_date = timezone.localdate() + datetime.timedelta(days=30)
        if status == S.AWAITING_FEEDBACK:
            assignment.approved_at = now - datetime.timedelta(days=30)
        assignment.save()
        case.current_assignment = assignment
    case.status = status
    case.save()
    return case


def attempt(case, action, actor, world):
    calls = {
        "accept": lambda: workflow.accept(case, actor),
        "reject": lambda: workflow.reject(case, actor, "不属于联络站受理范围"),
        "merge": lambda: workflow.merge(case, actor, make_case(world["station"])),
        "assign": lambda: workflow.assign(case, actor, world["department"]),
        "sign": lambda: workflow.sign(case, actor),
        "return": lambda: workflow.return_case(case, actor, "不属于本单位职责"),
        "approve": lambda: workflow.approve(case, actor),
        "approve_stage": lambda: workflow.approve_stage(case, actor),
        "send_back": lambda: workflow.send_back(case, actor, "答复不具体"),
        "close": lambda: workflow.close(case, actor),
        "rate": lambda: workflow.record_feedback(
            case, "satisfied", actor=actor, follow_up=FOLLOW_UP if actor else None
        ),
        "note": lambda: workflow.add_note(case, actor, "已电话回访企业"),
        "key_supervision": lambda: workflow.set_key_supervision(case, actor, True, "企业融资难"),
        "reclassify": lambda: workflow.reclassify(
            case,
            actor,
            category=Category.objects.get(name="基础设施与安全"),
            kind=case.kind,
            title="园区道路夜间照明不足",
            description=case.description,
        ),
    }
    return calls[action]()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "action", "role"), list(itertools.product(S.values, ACTIONS, ROLE_NAMES))
)
def test_transition_table(world, status, action, role):
    case = case_in(status, world)
    actor = world["users"][role]
    allowed = role in EXPECTED.get((action, status), set())
    events_before = case.events.count()
    round_before = case.current_assignment
    if allowed:
        attempt(case, action, actor, world)
        case = Case.objects.get(pk=case.pk)
        target, event_action = TARGET[action]
        assert case.status == (target or status)
        if action == "rate" and actor is not None:
            event_action = "follow_up"  # staff record the submitter's rating from a follow-up
        written = case.events.order_by("pk").values_list("action", "from_status", "to_status")
        assert list(written[events_before:]) == [(event_action, status, case.status)]
        assert_aftermath(action, case, round_before, world)
    else:
        with pytest.raises(workflow.WorkflowError):
            attempt(case, action, actor, world)
        case.refresh_from_db()
        assert case.status == status
        assert case.events.count() == events_before


def assert_aftermath(action, case, round_before, world):
    """What an allowed move leaves behind besides the status: the rounds, the links, the flags."""
    current = case.current_assignment
    if action == "reject":
        assert case.status_reason == "不属于联络站受理范围"  # the submitter is told why
    elif action == "merge":
        assert case.merged_into is not None and case.merged_into != case
    elif action == "assign":
        assert current.round == 1 and current.lead_department == world["department"]
        assert current.signed_at is None and current.due_at > timezone.now()
    elif action == "sign":
        assert current == round_before and current.signed_at is not None
    elif action == "return":
        assert current is None  # the returned round is kept, marked, for the record
        assert Assignment.objects.get(pk=round_before.pk).returned_at is not None
    elif action == "approve":
        assert current == round_before and current.approved_at is not None
    elif action == "approve_stage":
        assert Assignment.objects.get(pk=round_before.pk).approved_at is not None
        assert current.round == round_before.round + 1 and current.is_promise
        assert current.due_at == deadlines.end_of_day(round_before.expected_date)
        assert current.signed_at == round_before.signed_at  # no second signature
    elif action == "send_back":
        assert current.round == round_before.round + 1
        assert current.lead_department == round_before.lead_department
        assert current.supervision == Assignment.Supervision.CONTINUED
        assert current.signed_at == round_before.signed_at  # no second signature
    elif action == "rate":
        assert case.feedback.get().rating == "satisfied"
    elif action == "key_supervision":
        assert case.key_supervised
    elif action == "reclassify":
        assert (case.category.name, case.title) == ("基础设施与安全", "园区道路夜间照明不足")
        assert case.original_title == "园区道路照明不足"  # the submitter's words are kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rating", "closes"),
    [("satisfied", True), ("basically_satisfied", True), ("unsatisfied", False)],
)
@pytest.mark.parametrize("role", [None, roles.STAFF])
def test_a_rating_closes_the_case_unless_the_submitter_is_unsatisfied(world, rating, closes, role):
    case = case_in(S.AWAITING_FEEDBACK, world)
    first = case.current_assignment
    actor = world["users"][role]
    case = workflow.record_feedback(
        case, rating, actor=actor, follow_up=FOLLOW_UP if actor else None
    )
    case = Case.objects.get(pk=case.pk)
    feedback = case.feedback.get()
    assert feedback.rating == rating
    assert feedback.source == (Feedback.Source.FOLLOW_UP if actor else Feedback.Source.ONLINE)
    if closes:
        assert case.status == S.CLOSED and case.current_assignment == first
    else:
        # DESIGN §4: a new round for the same department, under continued supervision.
        assert case.status == S.ASSIGNED
        second = case.current_assignment
        assert second.round == first.round + 1
        assert second.lead_department == first.lead_department
        assert second.supervision == Assignment.Supervision.CONTINUED
        assert second.signed_at == first.signed_at  # signed for once: no second 签收
        assert second.due_at > timezone.now()


@pytest.mark.django_db
def test_the_whole_loop_with_a_send_back_and_an_unsatisfied_rating(world):
    users = world["users"]
    case = case_in(S.SUBMITTED, world)
    case = workflow.accept(case, users[roles.STAFF])
    case = workflow.assign(case, users[roles.COMMITTEE], world["department"])
    first = case.current_assignment
    assert first.round == 1 and first.due_at > timezone.now() + datetime.timedelta(days=6)
    with pytest.raises(workflow.WorkflowError):
        workflow.reply(case, users[roles.HANDLER], "已安装", "resolved")  # not signed yet
    case = workflow.sign(case, users[roles.HANDLER])
    with pytest.raises(workflow.WorkflowError):
        workflow.reply(case, users[roles.HANDLER], "", "resolved")
    with pytest.raises(workflow.WorkflowError):
        workflow.reply(case, users[roles.HANDLER], "正在施工", "in_progress")  # needs a date
    case = workflow.reply(case, users[roles.HANDLER], "已安装路灯46盏", "resolved")
    assert case.status == S.REPLIED
    case = workflow.send_back(case, users[roles.COMMITTEE], "请说明完成时间")
    second = case.current_assignment
    assert case.status == S.ASSIGNED and second.round == 2
    assert second.supervision == Assignment.Supervision.CONTINUED
    signed = Assignment.objects.get(pk=first.pk).signed_at
    assert signed is not None and second.signed_at == signed  # the department took it on once
    with pytest.raises(workflow.WorkflowError):  # already signed for
        workflow.sign(case, users[roles.HANDLER])
    case = workflow.reply(case, users[roles.HANDLER], "已于11月20日全部安装完成", "resolved")
    case = workflow.approve(case, users[roles.COMMITTEE])
    assert case.status == S.AWAITING_FEEDBACK
    approved = case.events.get(action="approved")
    assert approved.is_public and "11月20日" in approved.public_text
    case = workflow.record_feedback(case, "unsatisfied", "还有一段没装")
    assert case.status == S.ASSIGNED and case.current_assignment.round == 3
    case = workflow.reply(case, users[roles.HANDLER], "补装完成", "resolved")
    case = workflow.approve(case, users[roles.COMMITTEE])
    case = workflow.record_feedback(case, "basically_satisfied")
    assert case.status == S.CLOSED
    assert CaseLogEntry.objects.filter(action="submissions.approve", case=case).count() == 2


@pytest.mark.django_db
def test_returning_puts_the_case_back_on_the_problem_list(world):
    case = case_in(S.SUBMITTED, world)
    workflow.accept(case, world["users"][roles.STAFF])
    workflow.assign(case, world["users"][roles.COMMITTEE], world["department"])
    with pytest.raises(workflow.WorkflowError):
        workflow.return_case(case, world["users"][roles.HANDLER], " ")
    case = workflow.return_case(case, world["users"][roles.HANDLER], "属于县交通局职责")
    assert case.status == S.LISTED and case.current_assignment is None
    assert Assignment.objects.get(case=case).returned_at is not None
    event = case.events.get(action="returned")
    assert not event.is_public and event.note == "属于县交通局职责"


@pytest.mark.django_db
def test_another_departments_handler_cannot_act(world):
    case = case_in(S.ASSIGNED, world)
    outsider = make_user("outsider", roles.HANDLER, department=DepartmentFactory())
    with pytest.raises(workflow.WorkflowError, match="承办单位"):
        workflow.sign(case, outsider)


@pytest.mark.django_db
def test_a_deputy_notes_only_their_own_cases(world):
    other = DeputyFactory(station=world["station"])
    case = make_case(world["station"], deputy=other)
    with pytest.raises(workflow.WorkflowError):
        workflow.add_note(case, world["users"][roles.DEPUTY], "跟踪")


@pytest.mark.django_db
def test_close_waits_for_the_feedback_period(world):
    case = case_in(S.AWAITING_FEEDBACK, world)
    case.current_assignment.approved_at = timezone.now()
    case.current_assignment.save()
    with pytest.raises(workflow.WorkflowError):
        workflow.close(case, world["users"][roles.COMMITTEE])
    assert Case.objects.get(pk=case.pk).status == S.AWAITING_FEEDBACK
    assert not CaseEvent.objects.filter(case=case, action=CaseEvent.Action.CLOSED).exists()


@pytest.mark.django_db
def test_every_role_group_has_its_permissions_after_migrations():
    from django.contrib.auth.models import Group

    for name, perms in roles.GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert set(perms) <= granted, name  # Wagtail may add its own choose_* permissions
    for name in roles.RENAMED_WAGTAIL_GROUPS.values():
        assert Group.objects.get(name=name).permissions.exists()


@pytest.mark.django_db
def test_extension_asked_by_the_department_and_granted_by_the_committee(world):
    users = world["users"]
    case = case_in(S.SUBMITTED, world)
    workflow.accept(case, users[roles.STAFF])
    case = workflow.assign(case, users[roles.COMMITTEE], world["department"])
    due = case.current_assignment.due_at
    later = (due + datetime.timedelta(days=10)).date()
    with pytest.raises(workflow.WorkflowError):  # nothing asked yet
        workflow.decide_extension(case, users[roles.COMMITTEE], True)
    with pytest.raises(workflow.WorkflowError):  # only the department asks
        workflow.request_extension(case, users[roles.COMMITTEE], later, "需要招标")
    with pytest.raises(workflow.WorkflowError):  # a date before the deadline
        workflow.request_extension(case, users[roles.HANDLER], due.date(), "需要招标")
    case = workflow.request_extension(case, users[roles.HANDLER], later, "需要公开招标采购路灯")
    with pytest.raises(workflow.WorkflowError):  # once per round
        workflow.request_extension(case, users[roles.HANDLER], later, "再延")
    with pytest.raises(workflow.WorkflowError):  # the department cannot grant itself
        workflow.decide_extension(case, users[roles.HANDLER], True)
    case = workflow.decide_extension(case, users[roles.COMMITTEE], True)
    assignment = Assignment.objects.get(pk=case.current_assignment_id)
    assert assignment.extension_granted is True
    assert timezone.localtime(assignment.due_at).date() == later
    event = case.events.get(action="extension_decided")
    assert event.is_public and later.strftime("%Y-%m-%d") in event.public_text


@pytest.mark.django_db
def test_a_refused_extension_keeps_the_deadline(world):
    case = case_in(S.ASSIGNED, world)
    due = case.current_assignment.due_at
    later = (due + datetime.timedelta(days=5)).date()
    workflow.request_extension(case, world["users"][roles.HANDLER], later, "人手不足")
    case = workflow.decide_extension(case, world["users"][roles.COMMITTEE], False, "请按期办理")
    assert Assignment.objects.get(pk=case.current_assignment_id).due_at == due
    assert not case.events.get(action="extension_decided").is_public


@pytest.mark.django_db
def test_key_supervision_covers_every_round_and_each_round_keeps_its_own_level(world):
    users = world["users"]
    case = workflow.accept(case_in(S.SUBMITTED, world), users[roles.STAFF])
    case = workflow.set_key_supervision(case, users[roles.COMMITTEE], True, "企业融资难")
    case = workflow.assign(case, users[roles.COMMITTEE], world["department"])
    assert case.key_supervised
    assert case.current_assignment.supervision == Assignment.Supervision.NORMAL
    assert SupervisionQueue.cases(users[roles.COMMITTEE]).filter(pk=case.pk).exists()
    case = workflow.sign(case, users[roles.HANDLER])
    case = workflow.reply(case, users[roles.HANDLER], "已对接银行", "resolved")
    case = workflow.send_back(case, users[roles.COMMITTEE], "请明确放款时间")
    assert case.current_assignment.round == 2 and case.key_supervised
    assert case.current_assignment.supervision == Assignment.Supervision.CONTINUED
    event = case.events.get(action="key_supervision")
    assert event.is_public and event.public_text == "企业融资难"
    with pytest.raises(workflow.WorkflowError):
        workflow.set_key_supervision(case, users[roles.STAFF], True, "企业融资难")
    case = workflow.set_key_supervision(case, users[roles.STAFF], False, "企业融资难")
    assert not case.key_supervised
    assert case.current_assignment.supervision == Assignment.Supervision.CONTINUED
    assert case.events.filter(action="key_supervision_ended").count() == 1
