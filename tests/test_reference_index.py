"""Wagtail's reference index (the admin's usage counts and delete warnings) stays right while
cases move, without an index update for every move and every message."""

import copy
import importlib
import uuid
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.urls import get_resolver
from modelcluster.models import ClusterableModel
from wagtail import signal_handlers
from wagtail.models import ReferenceIndex

from notifications.models import Notification
from submissions import roles, workflow
from submissions.models import Case
from tests.conftest import module_data
from tests.factories import DepartmentFactory, DeputyFactory, StationFactory, make_case, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def admin_viewsets_registered():
    """The admin's viewsets put their models in the index as the URL conf is built, as in any
    process that has served a request."""
    get_resolver().url_patterns  # noqa: B018 (built on first access)
    assert Case in ReferenceIndex.tracked_models


def build_team():
    station = StationFactory()
    department = DepartmentFactory()
    return {
        "station": station,
        "deputy": DeputyFactory(station=station),
        "department": department,
        "staff": make_user("staff", roles.STAFF),
        "committee": make_user("committee", roles.COMMITTEE),
        "handler": make_user("handler", roles.HANDLER, department=department),
    }


team_once = module_data(build_team)


@pytest.fixture
def team(team_once, db):
    return copy.deepcopy(team_once)  # changes to the Python objects stay in their test


def indexed(obj):
    rows = ReferenceIndex.get_references_for_object(obj)
    return set(rows.values_list("to_content_type", "to_object_id", "model_path", "content_path"))


def as_fully_indexed(obj):
    """What a full update of obj's entries would write."""
    return set(ReferenceIndex._extract_references_from_object(obj))


def test_every_move_leaves_a_case_indexed_as_a_full_update_would(team):
    """Moves that change the case's links (assign, return, a new round, merge) update its
    entries; the others leave entries that are still right."""
    staff, committee, handler = team["staff"], team["committee"], team["handler"]
    case = make_case(team["station"], deputy=team["deputy"])
    duplicate = make_case(team["station"])
    moves = [
        lambda c: workflow.accept(c, staff),
        lambda c: workflow.assign(c, committee, team["department"]),
        lambda c: workflow.return_case(c, handler, "不属于本单位职责"),
        lambda c: workflow.assign(c, committee, team["department"]),
        lambda c: workflow.sign(c, handler),
        lambda c: workflow.reply(c, handler, "已安装路灯46盏", "resolved"),
        lambda c: workflow.send_back(c, committee, "请说明完成时间"),
        lambda c: workflow.add_note(c, staff, "已电话回访企业"),
        lambda c: workflow.reply(c, handler, "已于11月20日全部安装完成", "resolved"),
        lambda c: workflow.approve(c, committee),
        lambda c: workflow.record_feedback(c, "unsatisfied", "还有一段没装"),
    ]
    seen = set()
    for move in moves:
        case = move(Case.objects.get(pk=case.pk))
        case = Case.objects.get(pk=case.pk)
        assert indexed(case) == as_fully_indexed(case)
        seen.add(case.current_assignment_id)
    assert len(seen) == 5  # four rounds and the return's None: the links did change
    duplicate = workflow.merge(duplicate, staff, case)
    assert indexed(duplicate) == as_fully_indexed(duplicate)
    assert ("merged_into", str(case.pk)) in {(row[2], row[1]) for row in indexed(duplicate)}


def test_the_entries_of_a_case_are_its_foreign_keys(team):
    """Case.links() is what the index records of a case: were a field added that the index
    reads (rich text, a stream, a child record), a move changing only it would go unindexed."""
    assert not issubclass(Case, ClusterableModel)  # no child records indexed through the case
    assert [f.name for f in Case._meta.get_fields() if hasattr(f, "extract_references")] == []
    case = make_case(team["station"], deputy=team["deputy"], actor=team["staff"])
    case = workflow.accept(case, team["staff"])
    case = workflow.assign(case, team["committee"], team["department"])
    case = workflow.merge(make_case(team["station"]), team["staff"], case)
    for linked in (case, case.merged_into):
        extracted = as_fully_indexed(linked)
        assert extracted and len(extracted) == sum(1 for v in linked.links() if v)
        assert {object_id for _, object_id, _, _ in extracted} == {
            str(value) for value in linked.links() if value is not None
        }


def test_only_moves_that_change_a_link_queue_an_index_update(team):
    case = make_case(team["station"], deputy=team["deputy"])
    queued = mock.Mock()
    with mock.patch.object(signal_handlers, "update_reference_index_task", queued):
        case = workflow.accept(case, team["staff"])
        case = workflow.add_note(case, team["staff"], "已电话回访企业")
        assert queued.enqueue.call_args_list == []  # a status and a log entry: nothing to index
        case = workflow.assign(case, team["committee"], team["department"])
        case = workflow.sign(case, team["handler"])  # the round changes, not the case's links
    assert [call.args for call in queued.enqueue.call_args_list] == [
        ("submissions", "case", str(case.pk))  # assigned: its current round is new
    ]


def test_the_messages_are_left_out_of_the_index(team):
    assert Notification not in ReferenceIndex.tracked_models
    case = make_case(team["station"], deputy=team["deputy"])
    case = workflow.accept(case, team["staff"])
    assert Notification.objects.filter(case=case).exists()  # the receipt and acceptance notice
    message = ContentType.objects.get_for_model(Notification)
    assert not ReferenceIndex.objects.filter(base_content_type=message).exists()
    assert indexed(case)  # the case itself still is


def test_the_migration_drops_the_entries_of_messages_indexed_before(team):
    case = make_case(team["station"], deputy=team["deputy"])
    case = workflow.accept(case, team["staff"])
    case_entries = indexed(case)
    message = ContentType.objects.get_for_model(Notification)
    for notification in Notification.objects.filter(case=case):
        ReferenceIndex.objects.create(
            content_type=message,
            base_content_type=message,
            object_id=str(notification.pk),
            to_content_type=ContentType.objects.get_for_model(Case),
            to_object_id=str(case.pk),
            model_path="case",
            content_path="case",
            content_path_hash=uuid.uuid4(),
        )
    assert ReferenceIndex.get_references_to(case).count() >= 2
    migration = importlib.import_module(
        "notifications.migrations.0004_messages_out_of_reference_index"
    )
    migration.drop_entries(apps, None)
    assert not ReferenceIndex.get_references_to(case).exists()
    assert indexed(case) == case_entries  # the case's own entries stay
