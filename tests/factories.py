"""Factories for test data; tests build what they need instead of loading fixtures."""

import datetime

import factory
import wagtail_factories

from home.models import NewsIndexPage, NewsPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "工作动态"
    slug = factory.Sequence(lambda n: f"news-index-{n}")

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"联络站工作动态第{n}期")
    slug = factory.Sequence(lambda n: f"article-{n}")
    intro = "代表进站接待企业。"
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    main_image = factory.SubFactory(wagtail_factories.ImageFactory)

    class Meta:
        model = NewsPage


class StationFactory(factory.django.DjangoModelFactory):
    name = "测试联络站"
    reference_prefix = factory.Sequence(lambda n: f"T{n}")

    class Meta:
        model = "deputies.Station"


class DeputyFactory(factory.django.DjangoModelFactory):
    station = factory.SubFactory(StationFactory)
    name = factory.Sequence(lambda n: f"代表{n}")
    level = "county"
    role = "resident"
    photo = factory.SubFactory(wagtail_factories.ImageFactory)
    sort_order = factory.Sequence(lambda n: n)

    class Meta:
        model = "deputies.Deputy"


def valid_credit_code(n):
    from deputies.validators import credit_code_check_character

    body = f"9136999900{n:07d}"
    return body + credit_code_check_character(body)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    credit_code = factory.Sequence(valid_credit_code)
    contact_phone = "13900001234"

    class Meta:
        model = "deputies.Enterprise"


class CommitteeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"财经工委{n}")

    class Meta:
        model = "submissions.Committee"


class DepartmentFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"县测试局{n}")
    short_name = factory.Sequence(lambda n: f"测试局{n}")

    class Meta:
        model = "submissions.Department"


def make_user(username, role=None, department=None, deputy=None):
    """A login in the given role group, linked to a department or deputy where that applies."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from submissions.models import StaffProfile

    user = get_user_model().objects.create_user(username, password="pw")
    if role:
        user.groups.add(Group.objects.get(name=role))
    if department or deputy:
        StaffProfile.objects.create(user=user, department=department, deputy=deputy)
    return user


def make_case(station=None, **fields):
    from submissions.intake import create_case
    from submissions.models import Category

    defaults = dict(
        kind="problem",
        channel="online",
        category=Category.objects.first(),
        title="园区道路照明不足",
        description="夜班职工出行不安全。",
        submitter_name="王小明",
        submitter_phone="13807961234",
        consent_given=True,
    )
    defaults.update(fields)
    case, _ = create_case(station=station or StationFactory(), **defaults)
    return case


def close_through_workflow(
    case, *, staff, committee, department, handler, reply, rating="satisfied"
):
    """Walk a new case through the real transitions to closed, with a resolving reply."""
    from submissions import workflow

    case = workflow.accept(case, staff)
    case = workflow.assign(case, committee, department)
    case = workflow.sign(case, handler)
    case = workflow.reply(case, handler, reply, "resolved")
    case = workflow.approve(case, committee)
    return workflow.record_feedback(case, rating)


def race(*actions):
    """Run the actions at the same moment, each in its own thread and database connection;
    "won" for each that returned, the WorkflowError's message for each that was refused."""
    import threading

    from django.db import connections

    from submissions.workflow import WorkflowError

    barrier, outcomes = threading.Barrier(len(actions)), []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("won")
        except WorkflowError as refusal:
            outcomes.append(str(refusal))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
