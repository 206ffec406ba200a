import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.test import override_settings
from wagtail.images import get_image_model
from wagtail.models import Page

from home.models import NewsPage, PrivacyNoticePage, SiteSettings


def counts():
    from deputies.models import Deputy, Enterprise, Pairing, ReceptionDay
    from disclosure.models import DisclosureNotice, KeyIssue
    from submissions.models import Case, CaseEvent

    models = [Page, get_image_model(), get_user_model(), Deputy, Enterprise, Pairing]
    models += [ReceptionDay, Case, CaseEvent, DisclosureNotice, KeyIssue]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_builds_the_site_and_is_idempotent(site, client, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "s3cret-demo")
    call_command("seed_demo")
    first = counts()
    assert all(first.values()), first
    call_command("seed_demo")
    assert counts() == first
    output = capsys.readouterr().out
    assert "admin" in output and "s3cret-demo" in output

    assert NewsPage.objects.live().count() >= 5
    assert PrivacyNoticePage.objects.live().count() == 1
    assert SiteSettings.for_site(site).icp_number
    assert client.login(request=HttpRequest(), username="admin", password="s3cret-demo")
    for url in ("/", "/rules/", "/process/", "/news/", "/privacy/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_in_production():
    with override_settings(PORTAL_ENV="production"), pytest.raises(CommandError):
        call_command("seed_demo")
    assert not get_user_model().objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_seed_demo_builds_deputies_enterprises_pairings_and_a_staffed_roster(demo):
    """demo: the rows seed_demo made once for this test process (tests/conftest.py)."""
    from deputies.models import Deputy, Enterprise, Pairing, ReceptionDay
    from deputies.validators import validate_credit_code

    assert Deputy.objects.filter(role="resident").count() == 12
    assert Deputy.objects.filter(role="liaison").count() == 2
    assert len(set(Deputy.objects.values_list("level", flat=True))) >= 4
    enterprises = list(Enterprise.objects.all())
    assert len(enterprises) >= 30
    for enterprise in enterprises:
        validate_credit_code(enterprise.credit_code)
    assert Pairing.objects.count() >= 30
    receptions = ReceptionDay.objects.upcoming().filter(kind="reception")
    assert receptions.count() >= 5
    assert all(day.deputies.count() >= 3 for day in receptions)


@pytest.mark.django_db
def test_seed_demo_discloses_closed_cases_and_builds_the_key_issue(demo, client):
    from disclosure.models import DisclosureNotice, KeyIssue
    from submissions.models import Case

    live = DisclosureNotice.objects.live()
    assert 18 <= live.count() <= 25
    assert not live.filter(case__allow_disclosure=False).exists()
    assert set(live.values_list("case__status", flat=True)) == {Case.Status.CLOSED}
    assert len(live.dates("disclosed_on", "month")) >= 2  # the month filter has a choice
    issue = KeyIssue.objects.live().get()
    assert issue.title == "企业融资难" and len(issue.meetings) == 3 and len(issue.figures) == 3
    linked = Case.objects.filter(key_issue_link__key_issue=issue)
    assert linked.exists() and all(case.key_supervised for case in linked)
    for url in ("/disclosure/", "/stats/", "/key-issues/", "/key-issues/financing/"):
        assert client.get(url).status_code == 200, url
