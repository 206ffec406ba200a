"""Demo data of the three lists: departments, role logins and a year of cases.

Each case lives its life through the real workflow functions at the moments it would have
happened (time_machine moves the clock): received over the past twelve months in working hours,
replied mostly within the 7 days, some late, some returned, extended, sent back or rated
unsatisfied; the recent ones are still open. Every person and enterprise is fictional."""

import datetime
import random

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from deputies.models import Deputy, Enterprise, Station
from home.demo import password_hash
from submissions import roles, workflow
from submissions.deadlines import SHANGHAI, official_workday
from submissions.defaults import ensure_categories
from submissions.demo_cases import ARTICLE, EVERYDAY
from submissions.intake import create_case
from submissions.models import Case, Category, Committee, Department, StaffProfile

COMMITTEES = [
    "财政经济工委",
    "城乡建设环境保护工委",
    "社会建设工委",
    "农业农村工委",
    "监察和司法工委",
]
# name, short name, committee, handler login
DEPARTMENTS = [
    ("云溪县人力资源和社会保障局", "县人社局", "社会建设工委", "rsj"),
    ("云溪县住房和城乡建设局", "县住建局", "城乡建设环境保护工委", "zjj"),
    ("云溪县城市管理局", "县城管局", "城乡建设环境保护工委", "cgj"),
    ("云溪县卫生健康委员会", "县卫健委", "社会建设工委", "wjw"),
    ("云溪县农业农村局", "县农业农村局", "农业农村工委", "nyj"),
    ("云溪县工业园区管委会", "园区管委会", "财政经济工委", "yqgwh"),
    ("云溪县地方金融服务中心", "县金融中心", "财政经济工委", "jrzx"),
    ("云溪县公安局交通管理大队", "县交警大队", "监察和司法工委", "jjdd"),
]
REJECTED = [
    (
        "政务服务",
        "与供应商合同纠纷已起诉",
        "供应商拖欠货款，我们已向法院起诉，希望代表督促法院尽快判决。",
        "属于司法诉讼事项，不在联络站受理范围，已告知企业依法通过诉讼程序解决。",
    ),
    (
        "用工招聘",
        "个人工伤赔偿纠纷",
        "本人在原单位受伤，工伤赔偿与单位谈不拢。",
        "属于个人劳动争议，已告知向县劳动人事争议仲裁委员会申请仲裁，并提供了联系方式。",
    ),
    (
        "基础设施与安全",
        "邻县工业园道路破损",
        "去邻县送货途经的工业园道路破损严重。",
        "反映的道路不在本县辖区，已告知通过邻县12345热线反映。",
    ),
]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
# How a closed case's life went, in turn among the older cases: mostly plainly, sometimes not.
CLOSED_STORIES = [
    "plain", "late", "plain", "returned", "plain", "extended", "plain", "unsatisfied",
    "plain", "follow_up", "sent_back", "plain", "timeout", "late", "stage", "plain",
]  # fmt: skip
# The newest cases, newest first: where each one stands today, and how many days ago it came.
OPEN_STORIES = [
    ("submitted", 0), ("submitted", 1), ("submitted", 2), ("listed", 3), ("listed", 5),
    ("assigned", 6), ("assigned", 9), ("replied", 12), ("awaiting", 13), ("overdue", 14),
    ("awaiting", 15), ("promise", 16), ("replied", 17), ("awaiting", 18), ("awaiting", 21),
    ("overdue", 22), ("reopened", 26),
]  # fmt: skip
# The source article's cases: how each went.
ARTICLE_STORIES = ["extended", "stage", "plain", "stage", "plain", "plain"]


def seed(password, log):
    ensure_categories(Category)
    roles.rebuild_role_groups()  # a flushed database (browser tests) lacks them
    committees = {name: Committee.objects.get_or_create(name=name)[0] for name in COMMITTEES}
    departments = {}
    for name, short, committee, login in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "committee": committees[committee],
                "contact_person": "办公室",
                "contact_phone": "0796-5550200",
            },
        )
        departments[short] = department
        user(login, password, roles.HANDLER, StaffProfile.ActsFor.DEPARTMENT, department=department)
    logins = [(login, f"承办单位经办人（{short}）") for _, short, _, login in DEPARTMENTS]
    user("station", password, roles.STAFF)
    user("xlgw", password, roles.COMMITTEE, StaffProfile.ActsFor.COMMITTEE)
    deputy = Deputy.objects.order_by("sort_order").first()
    user("deputy", password, roles.DEPUTY, StaffProfile.ActsFor.DEPUTY, deputy=deputy)
    user("editor", password, roles.EDITOR)
    user("moderator", password, roles.MODERATOR)
    logins += [
        ("station", "联络站工作人员"),
        ("xlgw", "选联工委"),
        ("deputy", f"人大代表（{deputy}）"),
        ("editor", "编辑"),
        ("moderator", "审核员"),
    ]
    if not Case.objects.exists():
        Year(departments).make_cases()
    log(f"Cases: {Case.objects.count()}.")
    return logins


def user(username, password, role, acts_for=None, department=None, deputy=None):
    """A demo login in its role group, bound as the Users screen binds (accounts.bindings):
    what it acts for, the station, and its department or deputy."""
    account, _ = get_user_model().objects.get_or_create(username=username)
    account.password = password_hash(password)
    account.save()
    account.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.update_or_create(
        user=account,
        defaults={
            "acts_for": acts_for or StaffProfile.ActsFor.STATION,
            "station": deputy.station if deputy else Station.default(),
            "department": department,
            "deputy": deputy,
        },
    )
    return account


def working_time(moment, rng):
    """A moment in office hours (Shanghai) of a working day, at or after moment."""
    day = moment.astimezone(SHANGHAI).date()
    morning, afternoon = (8 * 60 + 40, 11 * 60 + 50), (14 * 60 + 40, 17 * 60 + 20)
    while True:
        if official_workday(day)[0]:
            minutes = rng.randrange(*rng.choice([morning, afternoon]))
            at = datetime.datetime.combine(day, datetime.time(*divmod(minutes, 60)), SHANGHAI)
            if at >= moment:
                return at
        day += datetime.timedelta(days=1)


def days_ago(days):
    """The start of the day that many days before today (Shanghai)."""
    day = timezone.localdate(timezone=SHANGHAI) - datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(), SHANGHAI)


class Year:
    """A year of the station's cases, each walked through the workflow on its own dates."""

    def __init__(self, departments):
        self.rng = random.Random(2026)
        self.now = timezone.now()
        self.departments = departments
        users = get_user_model().objects
        self.staff, self.committee = users.get(username="station"), users.get(username="xlgw")
        self.handlers = {
            d.pk: d.handlers.first().user
            for d in departments.values()  # one login each
        }
        self.station = Station.default()
        self.deputies = list(Deputy.objects.filter(is_active=True).order_by("sort_order"))
        self.enterprises = list(Enterprise.objects.order_by("pk"))
        self.categories = {c.name: c for c in Category.objects.all()}

    def make_cases(self):
        everyday = list(EVERYDAY)
        self.rng.shuffle(everyday)
        recent, older = everyday[: len(OPEN_STORIES)], everyday[len(OPEN_STORIES) :]
        plans = [
            (spec, story, days) for spec, (story, days) in zip(recent, OPEN_STORIES, strict=True)
        ]
        older_stories = [CLOSED_STORIES[i % len(CLOSED_STORIES)] for i in range(len(older))]
        older_plans = list(zip(older + ARTICLE, older_stories + ARTICLE_STORIES, strict=True))
        self.rng.shuffle(older_plans)
        for index, (spec, story) in enumerate(older_plans):  # spread over 11 months
            days = 45 + (index * 315) // len(older_plans) + self.rng.randrange(0, 5)
            plans.append((spec, story, days))
        plans.sort(key=lambda plan: -plan[2])  # the oldest first, so references follow dates
        opened = []
        for spec, story, days in plans:
            opened.append(self.live(spec, story, days))
        for number, (category, title, description, reason) in enumerate(REJECTED):
            received = self.moment(days_ago(60 + 97 * number))
            case = self.receive(category, title, description, received, channel="letter_phone")
            self.at(
                received + datetime.timedelta(hours=3), workflow.reject, case, self.staff, reason
            )
        # The key issue takes in every financing case; a duplicate would not be (its original
        # is), so the one merged duplicate is of another matter.
        duplicate = next(
            case
            for case in opened
            if case.status == Case.Status.ASSIGNED and case.category.name != "融资贷款"
        )
        received = self.moment(duplicate.created_at + datetime.timedelta(days=1))
        case = self.receive(
            duplicate.category.name, duplicate.title, duplicate.description, received, "wechat"
        )
        self.at(received + datetime.timedelta(hours=2), workflow.merge, case, self.staff, duplicate)

    def moment(self, after, days=0):
        """A working-hour moment some days after after, never later than a minute ago."""
        at = working_time(after + datetime.timedelta(days=days), self.rng)
        return min(at, self.now - datetime.timedelta(minutes=1))

    def at(self, moment, function, *args, **kwargs):
        with time_machine.travel(moment, tick=False):
            return function(*args, **kwargs)

    def receive(self, category, title, description, received, channel):
        enterprise = self.rng.choice(self.enterprises)
        case, _ = self.at(
            received,
            create_case,
            station=self.station,
            kind="suggestion" if "希望" in description and self.rng.random() < 0.3 else "problem",
            channel=channel,
            category=self.categories[category],
            title=title,
            description=description,
            enterprise=enterprise,
            enterprise_name=enterprise.name,
            submitter_name=self.rng.choice(SURNAMES) + self.rng.choice(["先生", "女士", "经理"]),
            submitter_phone=f"139{self.rng.randrange(10**7, 10**8)}",
            consent_given=True,
            allow_disclosure=self.rng.random() < 0.8,
            deputy=self.rng.choice(self.deputies),
        )
        return case

    def live(self, spec, story, days):
        """Receive the case days ago and take it as far as its story goes."""
        category, short, title, description, reply_text, outcome = spec
        channels = ["online", "online", "online", "reception", "visit", "wechat", "liaison_meeting"]
        t = self.moment(days_ago(days))
        case = self.receive(category, title, description, t, self.rng.choice(channels))
        if story == "submitted":
            return case
        t = self.moment(t, self.rng.choice([0, 0, 1]))
        case = self.at(t, workflow.accept, case, self.staff)
        if story == "listed":
            return case
        department = self.departments[short]
        handler = self.handlers[department.pk]
        if story == "returned":  # first to a department that says it is not its remit
            wrong = next(d for s, d in self.departments.items() if s != short)
            t = self.moment(t, 1)
            case = self.at(t, workflow.assign, case, self.committee, wrong, wrong.committee)
            t = self.moment(t, 1)
            reason = f"该事项属于{short}职责，请改交{short}办理。"
            case = self.at(t, workflow.return_case, case, self.handlers[wrong.pk], reason)
        t = self.moment(t, self.rng.choice([1, 1, 2]))
        case = self.at(t, workflow.assign, case, self.committee, department, department.committee)
        if story == "assigned":
            return case
        t = self.moment(t, self.rng.choice([0, 1]))
        case = self.at(t, workflow.sign, case, handler)
        if story == "overdue":
            return case
        if story == "extended":
            due = timezone.localtime(case.current_assignment.due_at).date()
            until = due + datetime.timedelta(days=10)
            t = self.moment(t, 3)
            reason = "需协调县政府及财政部门履行审批程序，申请延期答复。"
            case = self.at(t, workflow.request_extension, case, handler, until, reason)
            t = self.moment(t, 1)
            case = self.at(t, workflow.decide_extension, case, self.committee, True, "同意延期。")
            t = self.moment(t, 9)
        elif story in ("stage", "promise"):
            t = self.moment(t, 4)
            promise = timezone.localtime(t).date() + datetime.timedelta(days=30)
            stage = "已制定工作方案，正在协调相关单位落实，预计一个月内办结。"
            case = self.at(t, workflow.reply, case, handler, stage, "in_progress", promise)
            t = self.moment(t, 1)
            case = self.at(t, workflow.approve_stage, case, self.committee)
            if story == "promise":
                return case
            t = self.moment(t, 24)
        elif story == "late":
            t = self.moment(t, self.rng.choice([9, 10, 12]))
        else:
            t = self.moment(t, self.rng.choice([2, 3, 4, 5]))
        if story == "sent_back":  # a vague first reply the committee does not accept
            vague, later = (
                "已收悉，正在研究。",
                timezone.localtime(t).date() + datetime.timedelta(20),
            )
            case = self.at(t, workflow.reply, case, handler, vague, "in_progress", later)
            t = self.moment(t, 1)
            reason = "答复过于笼统，请明确解决时限和具体措施。"
            case = self.at(t, workflow.send_back, case, self.committee, reason)
            t = self.moment(t, 3)
        case = self.at(t, workflow.reply, case, handler, reply_text, outcome)
        if story == "replied":
            return case
        t = self.moment(t, self.rng.choice([0, 1]))
        case = self.at(t, workflow.approve, case, self.committee)
        if story == "awaiting":
            return case
        if story in ("unsatisfied", "reopened"):
            t = self.moment(t, 2)
            comment = "问题只解决了一部分，希望继续跟进。"
            case = self.at(t, workflow.record_feedback, case, "unsatisfied", comment)
            if story == "reopened":
                return case
            t = self.moment(t, 4)
            further = f"{reply_text}针对企业提出的遗留问题，已再次上门协调并落实到位。"
            case = self.at(t, workflow.reply, case, handler, further, "resolved")
            t = self.moment(t, 1)
            case = self.at(t, workflow.approve, case, self.committee)
        t = self.moment(t, self.rng.choice([1, 2, 3]))
        if story == "timeout":  # no rating within the feedback period: the station ticks it off
            t = self.moment(t, 8)
            return self.at(t, workflow.close, case, self.staff)
        if story == "follow_up":
            called = t - datetime.timedelta(minutes=20)
            follow_up = {
                "means": "phone",
                "contacted_person": case.submitter_name,
                "contacted_at": called,
            }
            return self.at(
                t, workflow.record_feedback, case, "satisfied", "", self.staff, follow_up
            )
        rating = self.rng.choice(["satisfied", "satisfied", "satisfied", "basically_satisfied"])
        return self.at(t, workflow.record_feedback, case, rating)
