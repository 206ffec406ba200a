"""Demo content of the third list: the disclosure list with notices for most closed demo cases,
the statistics page, and one key supervised issue (enterprise financing) with its meetings."""

import datetime
import random

import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from disclosure import key_issues, notices
from disclosure.models import (
    DisclosureIndexPage,
    DisclosureNotice,
    KeyIssue,
    KeyIssueIndexPage,
    StatisticsPage,
)
from home.demo import child, ensure_home_page
from submissions import roles
from submissions.demo import days_ago, working_time
from submissions.models import Case

# days ago, title, participants, summary, decisions
MEETINGS = [
    (
        73,
        "主任会议确定“企业融资难”为年度重点督办问题",
        "县人大常委会主任会议成员、选联工委、财经工委",
        "听取园区企业融资情况汇报，成立重点督办工作领导小组，由常委会主要领导任组长。",
        ["组建督办专班，每月调度一次", "县金融中心牵头梳理园区企业融资需求"],
    ),
    (
        66,
        "园区企业融资工作调度推进会（第一次）",
        "县人大常委会主任、园区管委会、县普惠金融中心、四家商业银行、园区企业代表",
        "梳理园区企业融资需求清单，共收集融资需求23项、金额约1.2亿元。",
        ["建立银企对接台账，每月更新", "研究降低政府性融资担保费率"],
    ),
    (
        38,
        "园区企业融资工作调度推进会（第二次）",
        "县金融中心、县融资担保公司、县农商银行、12家园区企业",
        "银企现场对接，银行当场签约3家企业；担保公司对6家企业提供过桥资金。",
        ["担保费率降至0.4%", "首贷企业审批时限压缩到15个工作日"],
    ),
    (
        17,
        "园区企业融资工作调度推进会（第三次）",
        "县人大常委会主任、选联工委、县金融中心、驻站代表",
        "听取前期落实情况汇报，逐项销号已解决的问题，对未解决的继续督办。",
        ["未解决事项列入下月主任会议报告"],
    ),
]
FIGURES = [
    ("融资担保费率", "0.4", "%", "县融资担保公司", 17),
    ("提供过桥资金", "2160", "万元", "县融资担保公司", 17),
    ("财园信贷通在保贷款", "2.13", "亿元", "园区管委会", 17),
]


def seed(password, log):
    home = ensure_home_page()
    ensure_moderation(home)
    index = child(
        home,
        DisclosureIndexPage,
        "disclosure",
        title="问题督办解决公示",
        show_in_menus=True,
        intro="企业反映的问题经交办、办理、答复并经提交人评价后，在此公示办理结果。",
    )
    notices_made = make_notices(index)
    child(
        home,
        StatisticsPage,
        "stats",
        title="数据统计",
        show_in_menus=True,
        intro="以下数据由系统根据诉求件办理情况自动统计。",
    )
    issues = child(home, KeyIssueIndexPage, "key-issues", title="重点督办", show_in_menus=True)
    issue = key_issue(issues)
    log(f"Disclosure: {notices_made} notices, key issue “{issue.title}”.")
    return []


def ensure_moderation(home):
    """Wagtail's migrations give editors and moderators their page permissions and a
    moderation workflow; a flushed test database has lost them, so make sure they exist."""
    editor = Group.objects.get(name=roles.EDITOR)
    moderator = Group.objects.get(name=roles.MODERATOR)
    page_perms = {
        editor: ["add_page", "change_page"],
        moderator: ["add_page", "change_page", "publish_page"],
    }
    for group, codenames in page_perms.items():
        for codename in codenames:
            permission = Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            )
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    if home.get_workflow() is None:
        workflow = Workflow.objects.create(name="审核员审批")
        task = GroupApprovalTask.objects.create(name="审核员审批")
        task.groups.set([moderator])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        WorkflowPage.objects.create(workflow=workflow, page=home)


def make_notices(index):
    """Publish a notice for every closed demo case whose submitter allowed it, a few working
    days after it closed, as the station would have: its dates are the case's own."""
    staff = get_user_model().objects.get(username="station")
    moderator = get_user_model().objects.get(username="moderator")
    cases = Case.objects.filter(status=Case.Status.CLOSED, allow_disclosure=True).order_by(
        "received_on", "pk"
    )
    now, rng = timezone.now(), random.Random(2026)
    for case in cases.filter(disclosure_notices__isnull=True):
        closed = case.events.closings().order_by("-created_at").first().created_at
        moment = min(working_time(closed + datetime.timedelta(days=2), rng), now)
        with time_machine.travel(moment, tick=False):
            notice, _ = notices.generate(case, staff)
        with time_machine.travel(moment + datetime.timedelta(hours=2), tick=False):
            notice.save_revision(user=moderator, log_action=False).publish(
                user=moderator, log_action=False
            )
    return DisclosureNotice.objects.live().count()


def key_issue(parent):
    today = timezone.localdate()
    issue = child(
        parent,
        KeyIssue,
        "financing",
        title="企业融资难",
        year=today.year,
        lead="县人大常委会副主任 周建华",
        members="选联工委主任 李明\n县地方金融服务中心主任 陈刚\n园区管委会副主任 赵敏\n"
        "驻站代表 王建国\n驻站代表 刘芳",
        goal="<p>年内园区企业融资担保费率降到1%以内，首贷企业审批不超过15个工作日，"
        "企业反映的融资问题全部办结答复。</p>",
        meetings=[
            (
                "meeting",
                {
                    "date": today - datetime.timedelta(days=days),
                    "title": title,
                    "participants": participants,
                    "summary": summary,
                    "decisions": decisions,
                },
            )
            for days, title, participants, summary, decisions in MEETINGS
        ],
        figures=[
            (
                "figure",
                {
                    "label": label,
                    "value": value,
                    "unit": unit,
                    "source": source,
                    "as_of": today - datetime.timedelta(days=days),
                },
            )
            for label, value, unit, source, days in FIGURES
        ],
    )
    committee = get_user_model().objects.get(username="xlgw")
    financing = Case.objects.filter(
        category__name="融资贷款", received_on__year=issue.year, key_issue_link__isnull=True
    ).exclude(status__in=[Case.Status.REJECTED, Case.Status.MERGED])
    rng = random.Random(issue.year)
    decided = working_time(days_ago(MEETINGS[0][0]), rng)
    for case in financing:  # linked when the issue was set up, or after the case's last move
        last = case.events.order_by("-created_at").values_list("created_at", flat=True)[0]
        moment = working_time(max(decided, last + datetime.timedelta(hours=1)), rng)
        with time_machine.travel(min(moment, timezone.now()), tick=False):
            key_issues.link(issue, case, committee)
    return issue
