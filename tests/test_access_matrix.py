"""Issue 12: the access matrix.

Every admin URL pattern the URL resolver knows (Wagtail's own and the project's) is requested
as every role, with object ids inside and outside the role's scope (DESIGN §5) and with search,
filter and export variants of the listings. No response (HTML, JSON, CSV, XLSX, served files,
and the Location / Content-Disposition headers) may carry

- the reference number or the title of a case outside the role's scope (§5: departments see
  the cases of the rounds they lead or assist and did not return, deputies the ones addressed
  to them, editors and moderators none but the one whose disclosure notice they publish);
- a tracking code, except to station staff (§5: the submitter's credential);
- a submitter's name, phone or e-mail, except to staff and the committee (§5, and
  roles.can_see_contact_details);

and no response may be a server error. Flash messages count against the response that stored
them. Only GET is tried: POST-only views answer 405 and are not exercised here.

One world is built per module, inside a transaction rolled back at the end; every test runs in
its own savepoint on top of it. Each row is requested once per run and its outcomes are shared
by the tests that read them.
"""

import csv
import datetime
import html
import io
import itertools
import json
import re
import sys
import time
import uuid
from dataclasses import dataclass, field

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import models
from django.test import Client, RequestFactory, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern

from submissions import roles, workflow
from submissions.ledgers import ledgers
from submissions.models import Assignment, CasePhoto
from tests.conftest import module_data
from tests.factories import (
    CommitteeFactory,
    DepartmentFactory,
    DeputyFactory,
    EnterpriseFactory,
    StationFactory,
    make_case,
    make_user,
)
from tests.test_menus import menu_urls

# The world is one transaction shared by the module; on PostgreSQL something in the admin
# requests closes the connection under it (not yet found), so the matrix runs on SQLite only.
# What it checks, scoping and rights, does not depend on the database.
pytestmark = pytest.mark.skipif(
    __import__("django.db").db.connection.vendor == "postgresql",
    reason="module-wide transaction lost on PostgreSQL; the matrix runs on SQLite",
)

PREFIX = "AMX"  # station reference prefix: every case reference is AMX-<year>-<4 digits>

# The rows of the matrix: one login per role, two of each scoped role so that each sees the
# other's cases as out of scope, and a superuser as a sanity row.
ROLES = [
    "staff",
    "committee",
    "handler_a",
    "handler_b",
    "deputy_1",
    "deputy_2",
    "editor",
    "moderator",
    "superuser",
]
SEES_ALL = {"staff", "committee", "superuser"}
SEES_TRACKING_CODES = {"staff", "superuser"}
SEES_CONTACT_DETAILS = {"staff", "committee", "superuser"}

# Admin URL patterns that are not requested, with the reason.
SKIPPED = {
    "admin/logout/": "ends the session the rest of the row is requested with",
}

# Patterns whose view raises on purpose: a 500 there is expected; its body is still checked.
INTENTIONAL_500 = {
    "admin/failwhale/": "Wagtail's error-page test view (error_test) raises on purpose",
}


# Wagtail's report menu items, and the rows that may have a use for each. Station staff only
# add notices under the disclosure list (disclosure/permissions.py); the page reports belong
# to those who edit or publish pages. Departments and deputies have no use for any.
PAGE_ROWS = {"editor", "moderator", "superuser"}
REPORTS = {
    "wagtailadmin_reports:site_history": ("Site history (操作历史)", SEES_ALL | PAGE_ROWS),
    "wagtailadmin_reports:aging_pages": ("Aging pages", PAGE_ROWS),
    "wagtailadmin_reports:workflow": ("Workflows", PAGE_ROWS),
    "wagtailadmin_reports:workflow_tasks": ("Workflow tasks", PAGE_ROWS),
    "wagtailadmin_reports:page_types_usage": ("Page types usage", PAGE_ROWS),
    "wagtailadmin_reports:locked_pages": ("Locked pages", PAGE_ROWS),
}


# --------------------------------------------------------------------------------------------
# The world


@dataclass
class ProbeCase:
    key: str
    case: object
    visible_to: set  # scoped rows that may open it (SEES_ALL rows open every case)
    named_to: set = field(default_factory=set)  # rows that may read its reference and title

    @property
    def scope_markers(self):
        # The ASCII token survives the \\uXXXX escaping of the Chinese title in JSON.
        token = re.search(r"MXPROBE\d+", self.case.title).group(0)
        return (self.case.reference, self.case.title, token)

    @property
    def tracking_markers(self):
        return (self.case.tracking_code, self.case.formatted_tracking_code)

    @property
    def contact_markers(self):
        case = self.case
        return (case.submitter_name, case.submitter_phone, case.submitter_email)


@dataclass
class World:
    users: dict
    cases: dict  # key -> ProbeCase
    station: object
    departments: dict
    deputies: dict
    photos: list
    assignments: list
    files: list
    filed: set  # labels of the reply-document requests whose assignment has a file
    objects: dict  # model -> an existing instance, for generic views
    home_page_id: int
    pages: dict  # the home page and the draft disclosure notice, for the page views

    def visible(self, role):
        """The cases the row may open."""
        if role in SEES_ALL:
            return set(self.cases)
        return {key for key, probe in self.cases.items() if role in probe.visible_to}

    def named(self, role):
        """The cases whose reference and title the row may read: those it may open, and
        those whose disclosure notice it works on."""
        return self.visible(role) | {k for k, p in self.cases.items() if role in p.named_to}

    def probes(self, role):
        """(tag, pk) of the nearest case inside the role's scope and the nearest outside."""
        inside = {
            "handler_a": "assigned_a",
            "handler_b": "assigned_b",
            "deputy_1": "deputy_1_submitted",
            "deputy_2": "deputy_2_assigned_a",
        }.get(role, "assigned_a")
        outside = {
            "handler_a": "returned_by_a_to_b",
            "handler_b": "assigned_a",
            "deputy_1": "deputy_2_assigned_a",
            "deputy_2": "deputy_1_closed_b",
            "editor": "assigned_a",
            "moderator": "assigned_b",
        }.get(role)
        chosen = [inside] if inside in self.visible(role) else []
        chosen += [outside] if outside else []
        return [(f"case:{key}", self.cases[key].case.pk) for key in chosen]


def build_world():
    from wagtail.models import Page

    from disclosure import notices
    from disclosure.models import DisclosureIndexPage
    from visits.models import Visit, VisitCampaign, VisitPlan, VisitTeam

    station = StationFactory(name="矩阵联络站", reference_prefix=PREFIX)
    dept_a = DepartmentFactory(name="矩阵甲局", short_name="甲局")
    dept_b = DepartmentFactory(name="矩阵乙局", short_name="乙局")
    committee_body = CommitteeFactory(name="矩阵财经工委")
    deputy_1 = DeputyFactory(station=station, name="矩阵代表一")
    deputy_2 = DeputyFactory(station=station, name="矩阵代表二")
    users = {
        "staff": make_user("mx_staff", roles.STAFF),
        "committee": make_user("mx_committee", roles.COMMITTEE),
        "handler_a": make_user("mx_handler_a", roles.HANDLER, department=dept_a),
        "handler_b": make_user("mx_handler_b", roles.HANDLER, department=dept_b),
        "deputy_1": make_user("mx_deputy_1", roles.DEPUTY, deputy=deputy_1),
        "deputy_2": make_user("mx_deputy_2", roles.DEPUTY, deputy=deputy_2),
        "editor": make_user("mx_editor", roles.EDITOR),
        "moderator": make_user("mx_moderator", roles.MODERATOR),
        "superuser": get_user_model().objects.create_superuser("mx_root", password="pw"),
    }
    staff, committee = users["staff"], users["committee"]
    handler = {dept_a.pk: users["handler_a"], dept_b.pk: users["handler_b"]}
    counter = itertools.count(1)
    cases = {}

    def new(key, words, visible_to=(), **fields):
        n = next(counter)
        name, phone = f"矩阵反映人{n:02d}", f"1390796{n:04d}"
        case = make_case(
            station,
            title=f"{words}矩阵探针MXPROBE{n:02d}",
            description=f"我是{name}，电话{phone}，{words}。",  # a notice must mask them
            submitter_name=name,
            submitter_phone=phone,
            submitter_email=f"mx-submitter-{n:02d}@example.com",
            **fields,
        )
        cases[key] = ProbeCase(key, case, set(visible_to))
        return case

    def listed(case):
        return workflow.accept(case, staff)

    def assigned(case, department, assisting=(), signed=True):
        case = workflow.assign(
            listed(case), committee, department, committee_body, assisting=assisting
        )
        return workflow.sign(case, handler[department.pk]) if signed else case

    def replied(case, department):
        case = assigned(case, department)
        return workflow.reply(case, handler[department.pk], "已协调解决。", "resolved")

    def awaiting(case, department):
        return workflow.approve(replied(case, department), committee)

    def closed(case, department):
        return workflow.record_feedback(awaiting(case, department), "satisfied")

    # Every status, for each department; every transition writes a Wagtail audit-log entry.
    new("submitted", "待受理")
    listed(new("listed", "问题清单"))
    workflow.reject(new("rejected", "不予受理"), staff, "不属于受理范围。")
    assigned(new("assigned_a", "甲局承办", {"handler_a"}), dept_a)
    assigned(new("assigned_b", "乙局承办", {"handler_b"}), dept_b)
    assigned(
        new("assigned_b_assisted_by_a", "乙局主办甲局协办", {"handler_a", "handler_b"}),
        dept_b,
        assisting=[dept_a],
    )
    replied(new("replied_a", "甲局已答复", {"handler_a"}), dept_a)
    replied(new("replied_b", "乙局已答复", {"handler_b"}), dept_b)
    awaiting(new("awaiting_a", "甲局待评价", {"handler_a"}), dept_a)
    awaiting(new("awaiting_b", "乙局待评价", {"handler_b"}), dept_b)
    # Closed and disclosed: its draft notice (公示, a page) carries the case's reference and
    # its masked title, so the editors and moderators who publish notices read those, of this
    # case only; they still cannot open the case.
    closed_a = closed(new("closed_a", "甲局已销号", {"handler_a"}, allow_disclosure=True), dept_a)
    cases["closed_a"].named_to = {"editor", "moderator"}
    closed(new("closed_b", "乙局已销号", {"handler_b"}), dept_b)
    # The committee sends A's reply back: a second round for A, under continued supervision.
    case = replied(new("sent_back_a", "甲局重办", {"handler_a"}), dept_a)
    workflow.send_back(case, committee, "答复不完整。")
    # Issue 12 §2: A returns the case as not its remit and the committee gives it to B; from
    # then on A no longer sees it (test_returned_case_is_hidden_from_...).
    case = assigned(
        new("returned_by_a_to_b", "甲局退回转乙局", {"handler_b"}), dept_a, signed=False
    )
    case = workflow.return_case(case, users["handler_a"], "不属于本单位职责。")
    workflow.assign(case, committee, dept_b, committee_body)
    # The supervision board's queues: B returns a case that stays on the problem list (已退回,
    # its reason in the list), A asks for more time (待审批延期); neither for the other's eyes.
    case = assigned(new("returned_by_b_listed", "乙局退回待交办"), dept_b, signed=False)
    workflow.return_case(case, users["handler_b"], "乙局认为不属本单位职责。")
    case = assigned(new("extension_asked_a", "甲局申请延期", {"handler_a"}), dept_a)
    later = case.current_assignment.due_at.date() + datetime.timedelta(days=10)
    workflow.request_extension(case, users["handler_a"], later, "甲局需要招标。")
    # Cases addressed to a deputy through their QR code; the deputy adds notes.
    case = new("deputy_1_submitted", "代表一收到", {"deputy_1"}, deputy=deputy_1)
    workflow.add_note(case, users["deputy_1"], "已电话联系企业。")
    assigned(
        new("deputy_2_assigned_a", "代表二甲局", {"deputy_2", "handler_a"}, deputy=deputy_2),
        dept_a,
    )
    case = closed(
        new("deputy_1_closed_b", "代表一乙局销号", {"deputy_1", "handler_b"}, deputy=deputy_1),
        dept_b,
    )
    workflow.add_note(case, users["deputy_1"], "企业表示满意。")

    # Private files whose bytes carry the case reference: serving one to the wrong row leaks.
    photos, files = [], []
    for key in ("assigned_a", "assigned_b", "deputy_1_submitted", "deputy_2_assigned_a"):
        case = cases[key].case
        photo = CasePhoto.objects.create(
            case=case,
            file=ContentFile(b"\xff\xd8 photo of " + case.reference.encode(), name="mx.jpg"),
            width=1,
            height=1,
        )
        photos.append((f"photo:{key}", photo))
        files.append(photo.file)
    for key in ("replied_a", "replied_b", "closed_a", "closed_b"):
        assignment = cases[key].case.assignments.order_by("round").first()
        assignment.reply_document.save(
            "mx-reply.pdf", ContentFile(b"%PDF-1.4 reply to " + cases[key].case.reference.encode())
        )
        files.append(assignment.reply_document)
    by_pk = {probe.case.pk: key for key, probe in cases.items()}
    assignments = [
        (f"assignment:{by_pk[a.case_id]}#{a.round}", a)
        for a in Assignment.objects.filter(case__station=station).order_by("pk")
    ]

    # Objects for the generic views of other models; the visit raised two cases.
    enterprise = EnterpriseFactory(name="矩阵企业有限公司")
    team = VisitTeam.objects.create(name="矩阵走访组", leader="组长")
    team.deputies.add(deputy_1)
    team.enterprises.add(enterprise)
    visit = Visit.objects.create(enterprise=enterprise, team=team, purpose="走访")
    visit.deputies.add(deputy_1)
    visit.cases.add(cases["assigned_b"].case, cases["deputy_1_submitted"].case)
    campaign = VisitCampaign.objects.create(name="矩阵走访周", start=visit.date, end=visit.date)
    plan = VisitPlan.objects.create(month=visit.date, leader="组长")
    home = Page.objects.filter(depth=2).order_by("path").first().specific
    home.save_revision(user=users["superuser"])  # for the revision views
    if not DisclosureIndexPage.objects.exists():
        home.add_child(instance=DisclosureIndexPage(title="问题督办解决公示", slug="mx-disclosure"))
    notice, _created = notices.generate(closed_a, staff)
    objects = {
        type(instance): instance
        for instance in (visit, team, campaign, plan, enterprise, station, deputy_1)
    }
    return World(
        users=users,
        cases=cases,
        station=station,
        departments={"a": dept_a, "b": dept_b},
        deputies={"1": deputy_1, "2": deputy_2},
        photos=photos,
        assignments=assignments,
        files=files,
        filed={
            f"admin/cases/replies/<int:pk>/ [pk=assignment:{key}#1]"
            for key in ("replied_a", "replied_b", "closed_a", "closed_b")
        },
        objects=objects,
        home_page_id=home.pk,
        pages={"home": home.pk, "notice": notice.pk},
    )


def built_world():
    # Run on-commit work (reference index, tasks) as a committed save would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        built = build_world()
    yield built
    for stored in built.files:
        stored.storage.delete(stored.name)


world = module_data(built_world)


# --------------------------------------------------------------------------------------------
# The URL patterns and the requests made of them


@dataclass(frozen=True)
class Pattern:
    route: str  # as the resolver spells it, e.g. "admin/cases/<int:pk>/"
    name: str | None  # with its namespaces
    callback: object
    params: tuple  # keyword parameter names
    positional: int  # unnamed regex groups


def _params(pattern):
    if isinstance(pattern, RoutePattern):
        return tuple(pattern.converters), 0
    if isinstance(pattern, RegexPattern):
        named = tuple(pattern.regex.groupindex)
        return named, pattern.regex.groups - len(named)
    return (), 0


def admin_patterns():
    """Every URL pattern under /admin/, from the resolver, in resolver order."""
    found = []

    def walk(entries, route, namespace, params, positional):
        for entry in entries:
            names, unnamed = _params(entry.pattern)
            here = route + str(entry.pattern)
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, here, inner, params + names, positional + unnamed)
            elif isinstance(entry, URLPattern) and here.startswith("admin/"):
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                found.append(
                    Pattern(here, name, entry.callback, params + names, positional + unnamed)
                )

    walk(get_resolver().url_patterns, "", None, (), 0)
    return found


def model_of(pattern):
    """The model a class-based view works on, where the view says so."""
    initkwargs = getattr(pattern.callback, "view_initkwargs", None) or {}
    model = initkwargs.get("model")
    if model is None:
        model = getattr(getattr(pattern.callback, "view_class", None), "model", None)
    return model if isinstance(model, type) and issubclass(model, models.Model) else None


def is_listing(pattern):
    from wagtail.admin.views.generic.base import BaseListingView

    view_class = getattr(pattern.callback, "view_class", None)
    return bool(view_class and issubclass(view_class, BaseListingView))


def exports(pattern):
    from wagtail.admin.views.mixins import SpreadsheetExportMixin

    view_class = getattr(pattern.callback, "view_class", None)
    if not (view_class and issubclass(view_class, SpreadsheetExportMixin)):
        return False
    initkwargs = getattr(pattern.callback, "view_initkwargs", None) or {}
    return bool(initkwargs.get("list_export") or getattr(view_class, "list_export", None))


def _queue_names():
    from submissions.queues import QUEUES

    return {queue.name for queue in QUEUES}


QUEUE_NAMES = _queue_names()
# Project views that take a case pk: the case page and the receipt get every case, the others
# the nearest in-scope and out-of-scope case.
EVERY_CASE = {"submissions_case", "submissions_receipt"}
CASE_PK = {"submissions_action", "disclosure_generate", "disclosure_key_issue"}


# Registered page types tried in the page-type URLs (add, preview, usage, choose parent): the
# home page's, and those that carry case data (a notice names its case, a key issue lists its
# cases). The other page types go through the same generic views.
PAGE_TYPES = {"home.homepage", "disclosure.disclosurenotice", "disclosure.keyissue"}


def _page_models():
    from wagtail.models import get_page_models

    return [m for m in get_page_models() if m._meta.label_lower in PAGE_TYPES]


def _first(model):
    instance = model._default_manager.order_by("pk").first()
    return instance.pk if instance else 1


def _by_model(models_, app_key="app_label", **extra):
    return [
        (
            m._meta.label_lower,
            {app_key: m._meta.app_label, "model_name": m._meta.model_name, **extra},
        )
        for m in models_
    ]


def fillings(pattern, w, role):
    """[(tag, kwargs or args)]: the values put into the pattern's parameters."""
    from wagtail.admin.views.bulk_action.registry import bulk_action_registry
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.workflows import get_task_types

    name = pattern.name or ""
    namespace = name.split(":")[0]
    params = pattern.params
    home = w.home_page_id
    if pattern.positional:  # the page revisions comparison: page, from, to
        return [("page:home", (home, "earliest", "latest"))]
    if not params:
        return [("", {})]
    if name == "wagtail_bulk_action":  # every registered bulk action, with an object chosen
        bulk_action_registry.get_bulk_actions_for_model("", "")  # scans the hooks once
        return [
            (f"{app}.{model}.{action}", {"app_label": app, "model_name": model, "action": action})
            for app, by_model in sorted(bulk_action_registry.actions.items())
            for model, actions in sorted(by_model.items())
            for action in sorted(actions)
        ]
    if params == ("content_type_app_name", "content_type_model_name", "parent_page_id"):
        return [
            (tag, {"content_type_" + k: v for k, v in kwargs.items()} | {"parent_page_id": home})
            for tag, kwargs in _by_model(_page_models(), app_key="app_name")
        ]
    if params == ("content_type_app_name", "content_type_model_name"):
        return [
            (tag, {"content_type_" + k: v for k, v in kwargs.items()})
            for tag, kwargs in _by_model(_page_models(), app_key="app_name")
        ]
    if params in (("app_label", "model_name"), ("app_name", "model_name")):
        if name == "wagtailadmin_pages:choose_parent":
            chosen = _page_models()
        elif name == "wagtailadmin_workflows:add_task":
            chosen = get_task_types()
        elif namespace == "wagtailsettings":
            chosen = list(settings_registry)
        else:  # tag autocomplete: the taggable models
            chosen = [get_image_model(), get_document_model()]
        return _by_model(chosen, app_key=params[0])
    if namespace == "wagtailsettings":
        return [
            (tag, kwargs | {"pk": _first(model)})
            for model, (tag, kwargs) in zip(
                settings_registry, _by_model(settings_registry, app_key="app_name"), strict=True
            )
        ]
    if name == "wagtailadmin_editing_sessions:ping":
        return [
            (
                f"{tag} session:1",
                {
                    "app_label": "submissions",
                    "model_name": "case",
                    "object_id": str(pk),
                    "session_id": 1,
                },
            )
            for tag, pk in w.probes(role)
        ]
    if name == "submissions_round_paper":  # each round's 交办单 and 答复函, under its own case
        return [
            (
                f"{tag} kind={kind}",
                {"pk": assignment.case_id, "round_pk": assignment.pk, "kind": kind},
            )
            for tag, assignment in w.assignments
            for kind in ("sheet", "letter")
        ]
    if name == "deputies_rotate":
        return [
            ("deputy:1", {"kind": "deputy", "pk": w.deputies["1"].pk}),
            ("station", {"kind": "station", "pk": w.station.pk}),
        ]
    values = [param_values(pattern, param, w, role) for param in params]
    return [
        (
            " ".join(f"{param}={tag}" for param, (tag, _value) in zip(params, chosen, strict=True)),
            {param: value for param, (_tag, value) in zip(params, chosen, strict=True)},
        )
        for chosen in itertools.product(*values)
    ]


def param_values(pattern, param, w, role):
    """[(tag, value)] for one parameter."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection, Revision, Task, Workflow

    name = pattern.name or ""
    namespace = name.split(":")[0]
    if name in EVERY_CASE:
        return [(f"case:{key}", probe.case.pk) for key, probe in w.cases.items()]
    if name in CASE_PK or namespace in QUEUE_NAMES:
        return [("sign", "sign")] if param == "action" else w.probes(role)
    if name == "submissions_photo":
        return [(tag, photo.pk) for tag, photo in w.photos]
    if name == "submissions_reply_doc":
        return [(tag, assignment.pk) for tag, assignment in w.assignments]
    if name == "submissions_ledger":
        return [(kind, kind) for kind in ledgers()]
    if name == "deputies_poster":
        return [(f"deputy:{key}", deputy.pk) for key, deputy in w.deputies.items()]
    plain = {
        "redirect_id": 1,
        "action_name": "approve",
        "action": "copy",
        "filter_spec": "original",
        "uidb64": "MQ",
        "token": "set-password",
    }
    if param in plain:
        return [(str(plain[param]), plain[param])]
    if (param == "page_id" or name.endswith("pages:detail")) and "revision" not in name:
        return [(f"page:{key}", pk) for key, pk in w.pages.items()]
    if param in ("page_id", "parent_page_id", "page_to_move_id", "page_pk", "destination_id"):
        return [("page:home", w.home_page_id)]
    if param == "revision_id":
        revision = Revision.objects.filter(object_id=str(w.home_page_id)).order_by("pk").last()
        return [("revision", revision.pk if revision else 1)]
    if param in ("task_state_id", "workflow_state_id", "session_id", "uploaded_file_id"):
        return [("1", 1)]
    if param == "task_id" or (namespace == "wagtailadmin_workflows" and "task" in name):
        return [("task", _first(Task))]
    if param == "workflow_pk" or namespace == "wagtailadmin_workflows":
        return [("workflow", _first(Workflow))]
    if param == "image_id" or namespace == "wagtailimages_chooser" or "images:" in name:
        return [("image", _first(get_image_model()))]
    if (
        param in ("document_id", "doc_id")
        or namespace == "wagtaildocs_chooser"
        or ("documents:" in name)
    ):
        return [("document", _first(get_document_model()))]
    if param == "collection_id":
        return [("collection:root", Collection.get_first_root_node().pk)]
    model = model_of(pattern)
    if model is get_user_model() or namespace == "wagtailusers_users":
        other = w.users["handler_a" if role == "handler_b" else "handler_b"]
        return [("user:self", w.users[role].pk), ("user:other", other.pk)]
    if model is Group or namespace == "wagtailusers_groups":
        return [("group:handlers", Group.objects.get(name=roles.HANDLER).pk)]
    if model is not None:
        instance = w.objects.get(model) or model._default_manager.order_by("pk").first()
        if instance is None:  # an unknown object of the pk's own type (some pks are UUIDs)
            missing = uuid.UUID(int=1) if isinstance(model._meta.pk, models.UUIDField) else 1
            return [(model._meta.label_lower, missing)]
        return [(model._meta.label_lower, instance.pk)]
    return [("1", 1)]


@dataclass(frozen=True)
class Request:
    label: str  # stable: pattern, filling and query string
    url: str
    pattern: Pattern


def _url(pattern, filling):
    if pattern.name:
        if isinstance(filling, tuple):
            return reverse(pattern.name, args=filling)
        return reverse(pattern.name, kwargs=filling)
    if pattern.route == "admin/^.*/$":  # Wagtail's catch-all for unknown admin URLs
        return "/admin/no-such-admin-page/"
    assert not filling and not re.search(r"[\^$()*+?\\]", pattern.route), pattern.route
    return "/" + pattern.route


def queries(pattern, w):
    """[(label suffix, query string)] variants of a request beside the bare one."""
    name = pattern.name or ""
    out = []
    if name.endswith("results"):  # the partial of a listing: its view's variants suffice
        return out
    if is_listing(pattern) and not pattern.params:  # searching the listings of objects
        out.append((f"?q={PREFIX}", f"q={PREFIX}"))
    if exports(pattern):
        out += [("?export=csv", "export=csv"), ("?export=xlsx", "export=xlsx")]
    if name.split(":")[0] in QUEUE_NAMES and name.endswith("index"):
        # Filtering by any department must not widen the role's scoped queryset.
        for key, department in w.departments.items():
            out.append((f"?department={key}", f"department={department.pk}"))
        # The board's links: its lights, reasons and sorting by deadline.
        lights = "overdue=true&due_soon=false&signed=false&reason=overdue&ordering=due"
        out.append((f"?{lights}", lights))
    if name == "submissions_report":
        out += [
            ("?format=xlsx", "format=xlsx"),
            ("?start=2000-01-01&end=2099-12-31", "start=2000-01-01&end=2099-12-31"),
            (
                "?start=2000-01-01&end=2099-12-31&format=xlsx",
                "start=2000-01-01&end=2099-12-31&format=xlsx",
            ),
        ]
    if name.startswith("wagtailadmin_api:") and name.endswith("listing"):
        out.append((f"?search={PREFIX}", f"search={PREFIX}"))
    return out


def requests_for(w, role):
    """The concrete GET requests one row makes."""
    out = []
    patterns = admin_patterns()
    for index, pattern in enumerate(patterns):
        if pattern.route in SKIPPED or any(p.route == pattern.route for p in patterns[:index]):
            continue  # a route an earlier pattern shadows (a project override) never answers
        for tag, filling in fillings(pattern, w, role):
            url = _url(pattern, filling)
            match = resolve(url)
            assert match.func is pattern.callback or pattern.route == "admin/^.*/$", (
                f"{url} resolves to {match.view_name}, not to {pattern.route}"
            )
            label = pattern.route + (f" [{tag}]" if tag else "")
            out.append(Request(label, url, pattern))
            for suffix, query in queries(pattern, w):
                out.append(Request(label + suffix, f"{url}?{query}", pattern))
    return out


# --------------------------------------------------------------------------------------------
# Requesting and reading responses


def flash_messages(response):
    """The texts of the messages a response stores for the next page (Django's cookie)."""
    from django.contrib.messages.storage.cookie import CookieStorage

    cookie = response.cookies.get("messages")
    if not cookie or not cookie.value:
        return []
    stored = CookieStorage(RequestFactory().get("/"))._decode(cookie.value) or []
    return [str(message) for message in stored]


def body_text(response):
    """Everything the client receives, as text: HTML, JSON (also unescaped), CSV, the cells of
    XLSX workbooks, served files, the headers that can carry names, and the flash messages
    the response leaves for the next page."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    response.close()
    content_type = response.get("Content-Type", "")
    parts = [response.get("Location", ""), response.get("Content-Disposition", "")]
    parts += [html.unescape(text) for text in flash_messages(response)]
    if body[:2] == b"PK":  # a zip: the XLSX exports, whatever their declared type
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                parts.append(" ".join("" if v is None else str(v) for v in row))
        book.close()
        return "\n".join(parts)
    text = body.decode("utf-8-sig", "replace")
    parts.append(text)
    if "csv" in content_type:
        parts += [" ".join(row) for row in csv.reader(io.StringIO(text))]
    if "json" in content_type:
        try:
            parts.append(json.dumps(json.loads(text), ensure_ascii=False))
        except ValueError:
            pass
    return "\n".join(parts)


@dataclass
class Outcome:
    request: Request
    status: int
    leaked: list  # "scope:<case>", "tracking:<case>", "contact:<case>"
    seen: set = field(default_factory=set)  # cases whose reference or title it carries
    seen_tracking: set = field(default_factory=set)  # cases whose tracking code it carries
    seen_contact: set = field(default_factory=set)  # cases whose submitter it names


def fetch(client, w, role, request):
    response = client.get(request.url, follow=False)
    text = body_text(response)
    # A flash message counts against the response that stored it, not the next page shown.
    client.cookies.pop("messages", None)
    outcome = Outcome(request, response.status_code, [])
    # Every reference and title holds one of the first stems, every submitter one of the
    # others: most responses hold none, and are then searched for the tracking codes only.
    scope = PREFIX + "-" in text or "MXPROBE" in text
    contact = any(stem in text for stem in ("矩阵反映人", "1390796", "mx-submitter-"))
    for key, probe in w.cases.items():
        if scope and any(marker in text for marker in probe.scope_markers):
            outcome.seen.add(key)
        if any(marker in text for marker in probe.tracking_markers):
            outcome.seen_tracking.add(key)
        if contact and any(marker in text for marker in probe.contact_markers):
            outcome.seen_contact.add(key)
    outcome.leaked = [f"scope:{key}" for key in sorted(outcome.seen - w.named(role))]
    if role not in SEES_TRACKING_CODES:
        outcome.leaked += [f"tracking:{key}" for key in sorted(outcome.seen_tracking)]
    if role not in SEES_CONTACT_DETAILS:
        outcome.leaked += [f"contact:{key}" for key in sorted(outcome.seen_contact)]
    return outcome


def client_for(w, role):
    client = Client(raise_request_exception=False)  # a view's exception becomes its 500
    client.force_login(w.users[role])
    return client


ROWS = {}  # role -> (outcomes, seconds): each row is requested once per process


def row(w, role):
    if role not in ROWS:
        started = time.monotonic()
        client = client_for(w, role)
        outcomes = [fetch(client, w, role, request) for request in requests_for(w, role)]
        ROWS[role] = outcomes, time.monotonic() - started
    return ROWS[role][0]


def part_of_row(w, role, keep):
    """The outcomes of the row's requests that keep(request) selects: read from the whole row
    where this process has requested it, else requested alone. Either way the same requests,
    so a test that needs a part does not request the whole row again in another xdist worker
    (one row is up to 800 admin pages)."""
    if role in ROWS:
        return [o for o in ROWS[role][0] if keep(o.request)]
    client = client_for(w, role)
    return [fetch(client, w, role, r) for r in requests_for(w, role) if keep(r)]


# --------------------------------------------------------------------------------------------
# The tests


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(world, role):
    outcomes = row(world, role)
    errors = [
        f"{o.status} {o.request.label}"
        for o in outcomes
        if o.status >= 500 and o.request.pattern.route not in INTENTIONAL_500
    ]
    assert not errors, f"server errors as {role}:\n" + "\n".join(errors)
    unexpected = [f"{o.request.label}: {', '.join(o.leaked)}" for o in outcomes if o.leaked]
    assert not unexpected, f"{role} reads what is not theirs:\n" + "\n".join(unexpected)
    # Positive controls: every case the row may see does show up somewhere, and so do the
    # tracking codes and contact details where the row may read them, so that a broken login,
    # an empty world or a blind marker cannot pass for a tight scope.
    named, visible = world.named(role), world.visible(role)
    seen = set().union(*(o.seen for o in outcomes))
    assert named <= seen, f"{role} never sees {named - seen}"
    if role in SEES_TRACKING_CODES:
        seen = set().union(*(o.seen_tracking for o in outcomes))
        assert visible <= seen, f"{role} never sees the tracking codes of {visible - seen}"
    # Contact details show on no page as it opens, only in the answer to the recorded read
    # (显示联系方式, a POST): test_contact_details_are_read_only_through_the_recorded_read.


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_contact_details_are_read_only_through_the_recorded_read(world, role):
    """Issue 17: the rows with contact rights read every visible case's submitter through the
    recorded read, and each read is recorded; the others read none and nothing is recorded
    (no case in the world lets its department call the submitter)."""
    from privacy.models import ContactRead

    client, user = client_for(world, role), world.users[role]
    missing, leaked = [], []
    for key, probe in sorted(world.cases.items()):
        url = reverse("privacy_reveal_contact", args=[probe.case.pk])
        response = client.post(url, {"reason": "矩阵核对"})
        client.cookies.pop("messages", None)
        shown = any(marker in body_text(response) for marker in probe.contact_markers)
        reads = ContactRead.objects.filter(case=probe.case, user=user).count()
        allowed = role in SEES_CONTACT_DETAILS and key in world.visible(role)
        if allowed and not (shown and reads == 1):
            missing.append(f"{key}: shown={shown}, recorded reads={reads}")
        if not allowed and (shown or reads):
            leaked.append(f"{key}: {response.status_code}, recorded reads={reads}")
    assert not missing, f"{role} cannot read:\n" + "\n".join(missing)
    assert not leaked, f"{role} reads:\n" + "\n".join(leaked)


@pytest.mark.django_db
def test_returned_case_is_hidden_from_the_department_that_returned_it(world):
    """Issue 12 §2: A returned the case as not its remit and the committee gave it to B; A
    no longer sees it on the URLs that carry it (its case page, receipt, files and actions)
    nor in any listing, and B does. (That no other admin URL shows it to A is
    test_access_matrix[handler_a]: the case is outside A's scope.)"""

    def carries_it_or_lists(request):
        return (
            "returned_by_a_to_b" in request.label
            or is_listing(request.pattern)
            or request.pattern.route == "admin/"
        )

    assert "returned_by_a_to_b" not in world.visible("handler_a")
    shown = [
        f"{o.status} {o.request.label}"
        for o in part_of_row(world, "handler_a", carries_it_or_lists)
        if "returned_by_a_to_b" in o.seen
    ]
    assert not shown, "department A still sees the case it returned:\n" + "\n".join(shown)
    seen_by_b = part_of_row(world, "handler_b", carries_it_or_lists)
    assert "returned_by_a_to_b" in set().union(*(o.seen for o in seen_by_b))


SCOPED_DETAIL_VIEWS = {
    "submissions_case": "case",
    "submissions_receipt": "case",
    "submissions_photo": "photo",
    "submissions_reply_doc": "assignment",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", [role for role in ROLES if role != "superuser"])
def test_out_of_scope_ids_answer_as_unknown_ids_do(world, role):
    """A case page, receipt, photo or reply document outside the role's scope answers exactly
    as an id that does not exist, so the answer does not tell which ids exist; and the ones in
    scope are served (the files carry their case's reference)."""
    client = client_for(world, role)
    visible = world.visible(role)
    differing, unserved = [], []
    detail_views = part_of_row(world, role, lambda r: r.pattern.name in SCOPED_DETAIL_VIEWS)
    for name, kind in SCOPED_DETAIL_VIEWS.items():
        unknown = client.get(reverse(name, args=[987654])).status_code
        for o in detail_views:
            if o.request.pattern.name != name:
                continue
            key = re.search(rf"{kind}:(\w+?)(?:#\d+)?\]", o.request.label).group(1)
            if key not in visible and o.status != unknown:
                differing.append(f"{o.status} (unknown id: {unknown}) {o.request.label}")
            has_file = kind == "photo" or (kind == "assignment" and o.request.label in world.filed)
            if has_file and key in visible and not (o.status == 200 and key in o.seen):
                unserved.append(f"{o.status} {o.request.label} does not serve its file")
    assert not differing, "\n".join(differing)
    assert not unserved, "\n".join(unserved)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_no_report_menu_items_the_role_has_no_use_for(world, role):
    user = get_user_model().objects.get(pk=world.users[role].pk)
    urls = menu_urls(user)
    useless = [
        label
        for name, (label, rows) in REPORTS.items()
        if role not in rows and reverse(name) in urls
    ]
    assert not useless, f"{role}'s menu offers {useless}"
    if role == "superuser":  # the walk does find report items where they belong
        assert all(reverse(name) in urls for name in REPORTS), urls


@pytest.mark.django_db
def test_matrix_size(world, capsys):
    """The size of the matrix, printed for the issue even under -q; a shrinking resolver walk
    or a row that silently stops requesting fails here."""
    patterns = admin_patterns()
    skipped = [p.route for p in patterns if p.route in SKIPPED]
    sizes = {
        role: len(ROWS[role][0]) if role in ROWS else len(requests_for(world, role))
        for role in ROLES
    }
    summary = [
        f"access matrix: {len(patterns)} admin URL patterns ({len(skipped)} skipped), "
        f"{len(ROLES)} rows, {sum(sizes.values())} requests "
        f"({', '.join(f'{role} {n}' for role, n in sizes.items())}), "
        f"{len(world.cases)} probe cases"
    ]
    for role, (outcomes, seconds) in ROWS.items():
        statuses = {}
        for o in outcomes:
            statuses[o.status] = statuses.get(o.status, 0) + 1
        summary.append(f"  {role}: {len(outcomes)} requests in {seconds:.1f}s, {statuses}")
    with capsys.disabled():
        print("\n" + "\n".join(summary), file=sys.stderr)
    assert len(patterns) > 300
    assert all(n > len(patterns) - len(skipped) for n in sizes.values()), sizes
