"""Demo visits: four teams covering the park (one enterprise left without a team, so the
coverage screen has something to show), the late-August visit week with the items it raised
already moving through the three lists, and three monthly plans."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from deputies.models import Deputy, Enterprise
from submissions import workflow
from submissions.models import Category, Department
from visits.intake import record_visit
from visits.models import VisitCampaign, VisitPlan, VisitTeam

TEAMS = [
    ("第一走访组", "财经工委主任 李明", "财政经济工委"),
    ("第二走访组", "城建环保工委主任 王强", "城乡建设环境保护工委"),
    ("第三走访组", "社会建设工委主任 张华", "社会建设工委"),
    ("第四走访组", "农业农村工委主任 刘军", "农业农村工委"),
]
# (category, title, description) raised during the visit week
ITEMS = [
    (
        "用工招聘",
        "旺季临时用工缺口大",
        "九月订单旺季需要临时工约40人，希望人社部门协助对接劳务公司。",
    ),
    ("物流交通", "厂区门口缺少公交站", "厂区门口没有公交站，职工要步行一公里坐车，希望增设站点。"),
    ("融资贷款", "设备更新贷款利率高", "计划更新生产设备，贷款利率偏高，希望对接技改专项贷款。"),
    ("惠企政策兑现", "研发费用加计扣除不清楚", "企业对研发费用加计扣除政策不了解，希望上门辅导。"),
    ("基础设施与安全", "雨污管网堵塞", "厂区外雨污管网经常堵塞，雨天污水外溢。"),
    ("环境卫生", "园区绿化带杂草多", "企业门前绿化带杂草丛生，影响园区形象。"),
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
    year = timezone.localdate().year
    campaign = VisitCampaign.objects.create(
        name=f"{year}年代表企业走访周",
        start=datetime.date(year, 8, 24),
        end=datetime.date(year, 8, 30),
    )
    users = get_user_model().objects
    staff, committee = users.get(username="station"), users.get(username="xlgw")
    categories = {category.name: category for category in Category.objects.all()}
    departments = {
        "用工招聘": "县人社局",
        "物流交通": "县农业农村局",
        "融资贷款": "县金融中心",
        "惠企政策兑现": "园区管委会",
        "基础设施与安全": "县住建局",
        "环境卫生": "县城管局",
    }
    number = 0
    for team in teams:
        team_enterprises = list(team.enterprises.order_by("pk"))
        for offset, enterprise in enumerate(team_enterprises[:-1]):  # most, not all
            items = []
            if offset % 2 == 0:
                number += 1
                category, title, description = ITEMS[number % len(ITEMS)]
                items.append(
                    {
                        "kind": "problem",
                        "category": categories[category],
                        "title": title,
                        "description": description,
                        "submitter_name": enterprise.contact_name or "企业联系人",
                        "submitter_phone": "13907969" + f"{number:03d}",
                        "allow_disclosure": True,
                    }
                )
            visit = record_visit(
                actor=staff,
                items=items,
                deputies=list(team.deputies.all()[:2]),
                staff=[staff],
                date=campaign.start + datetime.timedelta(days=offset % 5),
                enterprise=enterprise,
                team=team,
                purpose="代表企业走访周：了解企业生产经营情况和困难诉求",
                notes="企业总体运行平稳，订单充足，主要困难见所提诉求。",
            )
            for case in visit.cases.all():
                department = Department.objects.get(short_name=departments[case.category.name])
                move_along(case, staff, committee, department, number)
    return campaign


def move_along(case, staff, committee, department, number):
    """Items of the visit week are already at different steps of the three lists."""
    case = workflow.accept(case, staff)
    if number % 3 == 0:
        return
    case = workflow.assign(case, committee, department, department.committee)
    if number % 3 == 1:
        return
    handler = department.handlers.first().user
    case = workflow.sign(case, handler)
    case = workflow.reply(case, handler, f"已上门对接，{case.title}已协调解决。", "resolved")
    case = workflow.approve(case, committee)
    workflow.record_feedback(case, "satisfied")


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
