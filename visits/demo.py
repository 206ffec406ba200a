"""Demo visits: four teams covering the park (one enterprise left without a team, so the
coverage screen has something to show), the late-August visit week with the items it raised
already moving through the three lists, and three monthly plans."""

import datetime
import random

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from deputies.models import Deputy, Enterprise
from submissions import workflow
from submissions.deadlines import SHANGHAI
from submissions.demo import working_time
from submissions.models import Category, Department
from visits.intake import record_visit
from visits.models import VisitCampaign, VisitPlan, VisitTeam

TEAMS = [
    ("第一走访组", "财经工委主任 李明", "财政经济工委"),
    ("第二走访组", "城建环保工委主任 王强", "城乡建设环境保护工委"),
    ("第三走访组", "社会建设工委主任 张华", "社会建设工委"),
    ("第四走访组", "农业农村工委主任 刘军", "农业农村工委"),
]
# (category, department, title, description, reply) raised during the visit week, one each
ITEMS = [
    (
        "用工招聘",
        "县人社局",
        "旺季临时用工缺口大",
        "九月订单旺季需要临时工约40人，希望人社部门协助对接劳务公司。",
        "已组织三家劳务公司与企业对接，首批32名临时工已到岗。",
    ),
    (
        "物流交通",
        "县交警大队",
        "夜间货车进出园区被查处",
        "企业夜间装卸的货车在园区路口经常被查处，希望明确园区内通行规定。",
        "已明确园区内部道路夜间装卸车辆通行规定，并向园区企业发放了告知书。",
    ),
    (
        "融资贷款",
        "县金融中心",
        "设备更新贷款利率偏高",
        "计划更新生产设备，贷款利率偏高，希望对接技改专项贷款。",
        "已推荐企业申请设备更新改造专项再贷款，利率下降约1个百分点。",
    ),
    (
        "惠企政策兑现",
        "园区管委会",
        "新入园企业不了解优惠政策",
        "刚入园半年，对县里的招商优惠和奖补政策不了解，希望有人讲解。",
        "管委会已安排专人上门讲解，并将政策汇编送到企业。",
    ),
    (
        "基础设施与安全",
        "县住建局",
        "园区北路人行道破损",
        "园区北路人行道砖大面积松动破损，职工上下班容易崴脚。",
        "北路人行道已整体翻修，更换透水砖1200平方米。",
    ),
    (
        "环境卫生",
        "县城管局",
        "厂区周边建筑垃圾乱倒",
        "厂区周边空地经常有人夜间偷倒建筑垃圾。",
        "已清运堆积的建筑垃圾，安装监控并设立举报电话，违规倾倒已查处两起。",
    ),
    (
        "政务服务",
        "县卫健委",
        "职业病危害因素检测费用高",
        "每年职业病危害因素检测费用高，希望有统一组织的优惠检测。",
        "已组织园区企业集中招标检测机构，检测费用平均下降三成。",
    ),
]


def seed(password, log):
    if VisitCampaign.objects.exists():
        log(f"Visits: {VisitCampaign.objects.count()} campaign(s) already there.")
        return []
    deputies = list(Deputy.objects.filter(role=Deputy.Role.RESIDENT).order_by("sort_order"))
    enterprises = list(Enterprise.objects.filter(is_active=True).order_by("pk"))
    teams = make_teams(deputies, enterprises[:-1])  # the last one is left without a team
    campaign = make_campaign(teams)
    make_plans(deputies, enterprises)
    log(f"Visits: {len(teams)} teams, campaign “{campaign.name}”, 3 monthly plans.")
    return []


def make_teams(deputies, enterprises):
    teams = []
    for number, (name, leader, committee) in enumerate(TEAMS):
        team = VisitTeam.objects.create(
            name=name, leader=leader, committee_members=f"{committee}委员 两名"
        )
        team.deputies.set(deputies[number * 3 : number * 3 + 3])
        team.enterprises.set(enterprises[number :: len(TEAMS)])
        team.save()
        teams.append(team)
    return teams


def make_campaign(teams):
    today = timezone.localdate()
    # The last visit week whose items have had time to be handled (the week is late August).
    year = today.year if today >= datetime.date(today.year, 10, 15) else today.year - 1
    campaign = VisitCampaign.objects.create(
        name=f"{year}年代表企业走访周",
        start=datetime.date(year, 8, 24),
        end=datetime.date(year, 8, 30),
    )
    users = get_user_model().objects
    staff, committee = users.get(username="station"), users.get(username="xlgw")
    items = iter(ITEMS)
    for team in teams:
        team_enterprises = list(team.enterprises.order_by("pk"))
        for offset, enterprise in enumerate(team_enterprises[:-1]):  # most, not all
            item = next(items, None) if offset % 2 == 0 else None
            day = campaign.start + datetime.timedelta(days=offset % 5)
            moment = datetime.datetime.combine(day, datetime.time(9 + offset % 7), SHANGHAI)
            with time_machine.travel(moment, tick=False):
                visit = record_visit(
                    actor=staff,
                    items=[raised(item, enterprise)] if item else [],
                    deputies=list(team.deputies.all()[:2]),
                    staff=[staff],
                    date=day,
                    enterprise=enterprise,
                    team=team,
                    purpose="代表企业走访周：了解企业生产经营情况和困难诉求",
                    notes="企业总体运行平稳，订单充足，主要困难见所提诉求。",
                )
            for case in visit.cases.all():
                department = Department.objects.get(short_name=item[1])
                move_along(case, staff, committee, department, item[4], moment)
    return campaign


def raised(item, enterprise):
    category, _department, title, description, _reply = item
    return {
        "kind": "problem",
        "category": Category.objects.get(name=category),
        "title": title,
        "description": description,
        "submitter_name": enterprise.contact_name or "企业联系人",
        "submitter_phone": "13907969" + f"{enterprise.pk % 1000:03d}",
        "allow_disclosure": True,
    }


def move_along(case, staff, committee, department, reply, moment):
    """The visit week's items, in the weeks after it: all accepted and handed on, replied
    within the week, approved and rated; one the department is still working on."""
    handler = department.handlers.first().user
    steps = [
        (1, workflow.accept, staff),
        (2, workflow.assign, committee, department, department.committee),
        (1, workflow.sign, handler),
    ]
    if department.short_name != "县金融中心":  # the financing one is still with the department
        steps += [
            (4, workflow.reply, handler, reply, "resolved"),
            (1, workflow.approve, committee),
            (3, workflow.record_feedback, "satisfied"),
        ]
    rng = random.Random(case.pk)
    for days, function, *args in steps:
        moment = working_time(moment + datetime.timedelta(days), rng)
        with time_machine.travel(moment, tick=False):
            case = function(case, *args)


def make_plans(deputies, enterprises):
    today = timezone.localdate().replace(day=1)
    for back, (leader, count) in enumerate(
        [("县人大常委会副主任 周建华", 4), ("选联工委主任 李明", 3), ("财经工委主任 李明", 2)]
    ):
        month = (today - datetime.timedelta(days=28 * back)).replace(day=1)
        plan = VisitPlan.objects.create(month=month, leader=leader)
        plan.deputies.set(deputies[back : back + count])
        plan.enterprises.set(enterprises[back * 10 : back * 10 + 10])
        plan.save()
        for enterprise in list(plan.enterprises.all())[: 6 - back * 2]:
            record_visit(
                actor=None,
                deputies=list(plan.deputies.all()),
                date=min(timezone.localdate(), month + datetime.timedelta(days=5)),
                enterprise=enterprise,
                purpose="月度走访计划",
            )
