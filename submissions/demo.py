"""Demo data of the three lists: departments, role logins and about 90 cases in every status.
Every person and enterprise is fictional."""

import datetime
import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from deputies.models import Deputy, Enterprise, Station
from submissions import roles, workflow
from submissions.defaults import ensure_categories
from submissions.intake import create_case
from submissions.models import Assignment, Case, Category, Committee, Department, StaffProfile

COMMITTEES = ["财政经济工委", "城乡建设环境保护工委", "社会建设工委", "农业农村工委"]
# name, short name, committee, handler login, category it usually handles
DEPARTMENTS = [
    ("云溪县人力资源和社会保障局", "县人社局", "社会建设工委", "rsj", "用工招聘"),
    ("云溪县住房和城乡建设局", "县住建局", "城乡建设环境保护工委", "zjj", "基础设施与安全"),
    ("云溪县城市管理局", "县城管局", "城乡建设环境保护工委", "cgj", "环境卫生"),
    ("云溪县卫生健康委员会", "县卫健委", "社会建设工委", "wjw", "政务服务"),
    ("云溪县农业农村局", "县农业农村局", "农业农村工委", "nyj", "物流交通"),
    ("云溪县工业园区管委会", "园区管委会", "财政经济工委", "yqgwh", "惠企政策兑现"),
    ("云溪县地方金融服务中心", "县金融中心", "财政经济工委", "jrzx", "融资贷款"),
]
TEXTS = {
    "用工招聘": [
        (
            "普工招聘困难，缺口约60人",
            "今年订单增加，生产线普工缺口约60人，希望人社部门组织专场招聘会。",
        ),
        ("技术工人留不住", "数控技工流失严重，希望开展技能培训并落实技能补贴。"),
    ],
    "融资贷款": [
        ("流动资金贷款审批慢", "申请的500万元流动资金贷款已两个月未批，影响原材料采购。"),
        ("担保费率偏高", "融资担保费率1.5%，希望参照省里政策降低到1%以内。"),
    ],
    "物流交通": [
        ("园区到高速口货车限行", "园区到高速入口的县道白天限行货车，发货只能夜间，成本增加。"),
        ("公交班次太少", "工人上下班公交车每小时一班，希望增加早晚高峰班次。"),
    ],
    "政务服务": [
        ("环评审批材料反复补正", "扩建项目环评材料已补正三次，希望一次性告知所需材料。"),
        ("职工子女入学咨询", "外地职工子女在园区附近学校入学，希望明确办理流程。"),
    ],
    "基础设施与安全": [
        ("园区支路夜间无路灯", "创业大道到工业大道之间的支路没有路灯，夜班职工出行不安全。"),
        ("厂区门口道路积水", "雨天厂区门口道路积水严重，货车进出困难，希望修缮排水管网。"),
    ],
    "环境卫生": [
        ("生活垃圾清运不及时", "园区宿舍区垃圾两三天才清运一次，夏天气味大。"),
        ("道路扬尘严重", "园区大道施工扬尘大，希望增加洒水频次。"),
    ],
    "惠企政策兑现": [
        ("技改补贴迟迟未到账", "去年申报的技改补贴已公示，但至今没有到账。"),
        ("稳岗返还申请无回音", "今年申请的稳岗返还资金三个月没有回复。"),
    ],
}
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高罗"
# how many demo cases end in each status
PLAN = {
    "submitted": 10,
    "listed": 10,
    "assigned": 20,
    "replied": 8,
    "awaiting_feedback": 10,
    "closed": 26,
    "rejected": 3,
    "merged": 1,
}


def seed(password, log):
    ensure_categories(Category)
    roles.rebuild_role_groups()  # a flushed database (browser tests) lacks them
    committees = {name: Committee.objects.get_or_create(name=name)[0] for name in COMMITTEES}
    departments, handlers = {}, {}
    for name, short, committee, login, category in DEPARTMENTS:
        department, _ = Department.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "committee": committees[committee],
                "contact_person": "办公室",
                "contact_phone": "0796-5550200",
            },
        )
        departments[category] = department
        handlers[department.pk] = user(
            login, password, roles.HANDLER, StaffProfile.ActsFor.DEPARTMENT, department=department
        )
    logins = [(login, f"承办单位经办人（{short}）") for _, short, _, login, _ in DEPARTMENTS]
    staff = user("station", password, roles.STAFF)
    committee = user("xlgw", password, roles.COMMITTEE, StaffProfile.ActsFor.COMMITTEE)
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
        make_cases(staff, committee, departments, handlers)
    log(f"Cases: {Case.objects.count()} in {len(PLAN)} statuses.")
    return logins


def user(username, password, role, acts_for=None, department=None, deputy=None):
    """A demo login in its role group, bound as the Users screen binds (accounts.bindings):
    what it acts for, the station, and its department or deputy."""
    account, _ = get_user_model().objects.get_or_create(username=username)
    account.set_password(password)
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


def make_cases(staff, committee, departments, handlers):
    rng = random.Random(2026)
    station = Station.default()
    deputies = list(Deputy.objects.filter(is_active=True))
    enterprises = list(Enterprise.objects.all())
    categories = list(Category.objects.all())
    number = 0
    for status, count in PLAN.items():
        for _ in range(count):
            number += 1
            category = categories[number % len(categories)]
            title, description = TEXTS[category.name][number % 2]
            enterprise = enterprises[number % len(enterprises)]
            case, _ = create_case(
                station=station,
                kind="suggestion" if number % 9 == 0 else "problem",
                channel=rng.choice(["online", "online", "reception", "visit", "wechat"]),
                category=category,
                title=title,
                description=description,
                enterprise=enterprise,
                enterprise_name=enterprise.name,
                submitter_name=rng.choice(SURNAMES) + rng.choice(["先生", "女士", "经理"]),
                submitter_phone=f"139{rng.randrange(10**7, 10**8)}",
                consent_given=True,
                allow_disclosure=number % 4 != 0,
                deputy=rng.choice(deputies),
            )
            advance(case, status, staff, committee, departments[category.name], handlers, number)
            age = datetime.timedelta(days=rng.randrange(1, 60))
            Case.objects.filter(pk=case.pk).update(
                created_at=timezone.now() - age, received_on=timezone.localdate() - age
            )


def advance(case, status, staff, committee, department, handlers, number):
    """Walk a case through the real workflow functions to the planned status."""
    handler = handlers[department.pk]
    if status == "rejected":
        return workflow.reject(
            case, staff, "属于司法诉讼事项，不在联络站受理范围，已告知通过法律途径解决。"
        )
    if status == "merged":
        return workflow.merge(case, staff, Case.objects.open().exclude(pk=case.pk).first())
    if status == "submitted":
        return case
    case = workflow.accept(case, staff)
    if status == "listed":
        return case
    case = workflow.assign(case, committee, department, department.committee)
    if number % 5 == 0:  # a second round: the committee sent the first reply back
        case = workflow.sign(case, handler)
        case = workflow.reply(
            case,
            handler,
            "正在研究解决方案。",
            "in_progress",
            timezone.localdate() + datetime.timedelta(days=20),
        )
        case = workflow.send_back(case, committee, "答复过于笼统，请明确解决时限和具体措施。")
    if status == "assigned" and number % 7 == 0:  # a promise: a stage reply approved
        if not case.current_assignment.signed_at:
            case = workflow.sign(case, handler)
        case = workflow.reply(
            case,
            handler,
            "已制定整改方案，正在组织实施。",
            "in_progress",
            timezone.localdate() + datetime.timedelta(days=25),
        )
        return workflow.approve_stage(case, committee)
    if status == "assigned":
        if number % 3 == 0:  # overdue: assigned ten days ago
            past = timezone.now() - datetime.timedelta(days=10)
            Assignment.objects.filter(pk=case.current_assignment_id).update(
                assigned_at=past, due_at=past + datetime.timedelta(days=7)
            )
        elif number % 2 == 0 and not case.current_assignment.signed_at:
            workflow.sign(case, handler)
        return case
    if not case.current_assignment.signed_at:  # a second round keeps the first signature
        case = workflow.sign(case, handler)
    case = workflow.reply(
        case,
        handler,
        f"经现场核实，已协调解决：{case.title}。后续将持续跟踪。",
        "resolved" if number % 4 else "explained",
    )
    if status == "replied":
        return case
    case = workflow.approve(case, committee)
    if status == "closed":
        case = workflow.record_feedback(case, "satisfied" if number % 3 else "basically_satisfied")
    return case
