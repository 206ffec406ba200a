"""Production's processes in one test process: messages go through the task worker's queue
(django-tasks' database backend), failed tasks show in the admin, and a Redis outage degrades
to an empty cache instead of errors."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult
from redis.exceptions import ConnectionError as RedisConnectionError

from notifications.models import Notification
from portal import ratelimit
from submissions import roles, workflow
from submissions.models import Case
from tests.factories import make_case, make_user

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DEAD_REDIS = {
    "default": {
        "BACKEND": "portal.cache.ResilientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: refused at once
    }
}


def run_worker():
    """What `manage.py db_worker` does, until the queue holds nothing that is due. Inside the
    test's transaction, so without the worker's closing of old connections (on PostgreSQL it
    would close the test's own)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
        )
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


@task()
def explode():
    raise RuntimeError("SMS gateway answered 502")


@pytest.fixture
def queued(settings):
    settings.TASKS = DATABASE_TASKS


@pytest.mark.django_db
def test_the_action_returns_before_any_message_is_sent_and_the_worker_sends_it(
    queued, django_capture_on_commit_callbacks
):
    case = make_case(submitter_email="wxm@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(case, make_user("staff", roles.STAFF))
    accepted = Notification.objects.filter(template="case_accepted")
    assert set(accepted.values_list("channel", "status")) == {
        ("email", "pending"),
        ("sms", "pending"),
    }
    assert mail.outbox == []  # the request did not wait for the mail server
    assert DBTaskResult.objects.ready().filter(task_path="notifications.notify.send").count() == 2

    run_worker()
    assert set(accepted.values_list("status", flat=True)) == {"sent"}
    assert [m.to for m in mail.outbox] == [["wxm@example.com"]]
    run_worker()  # nothing left: sent once
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_send_is_queued_again_for_when_its_backoff_ends(
    queued, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.failing_email.FailingEmailBackend"
    case = make_case(submitter_email="wxm@example.com", submitter_phone="")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(case, make_user("staff", roles.STAFF))
    run_worker()
    failed = Notification.objects.get(channel="email", template="case_accepted")
    assert (failed.status, failed.attempts) == ("failed", 1)
    retry = DBTaskResult.objects.get(status="READY", task_path="notifications.notify.send")
    assert retry.run_after == failed.next_attempt_at > timezone.now()
    assert Case.objects.get(pk=case.pk).status == Case.Status.LISTED

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run_worker()  # not due yet
    assert Notification.objects.get(pk=failed.pk).status == "failed"
    past = timezone.now() - datetime.timedelta(seconds=1)
    Notification.objects.filter(pk=failed.pk).update(next_attempt_at=past)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=past)
    run_worker()
    assert Notification.objects.get(pk=failed.pk).status == "sent"
    assert [m.to for m in mail.outbox] == [["wxm@example.com"]]


@pytest.mark.django_db
def test_a_message_whose_task_was_lost_is_sent_by_the_sweep_once(
    queued, django_capture_on_commit_callbacks
):
    case = make_case(submitter_email="wxm@example.com", submitter_phone="")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.accept(case, make_user("staff", roles.STAFF))
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # the cron sweep comes first
    run_worker()  # then the task: the row is sent already, so it sends nothing
    emails = Notification.objects.filter(channel="email")
    assert set(emails.values_list("status", "attempts")) == {("sent", 1)}
    assert sorted(m.subject for m in mail.outbox) == sorted(e.subject for e in emails)


@pytest.mark.django_db
def test_a_failed_task_shows_its_error_to_administrators_only(queued, client, admin_user):
    explode.enqueue()
    run_worker()
    client.force_login(admin_user)
    listing = client.get("/admin/background_tasks/", {"status": "FAILED"}).content.decode()
    assert "tests.test_processes.explode" in listing and "builtins.RuntimeError" in listing
    assert "失败" in listing and "错误类型" in listing  # django-tasks' names, in Chinese
    failed = DBTaskResult.objects.get(status="FAILED")
    detail = client.get(f"/admin/background_tasks/inspect/{failed.pk}/").content.decode()
    assert "SMS gateway answered 502" in detail
    client.force_login(make_user("committee", roles.COMMITTEE))
    response = client.get("/admin/background_tasks/")
    assert (response.status_code, response["Location"]) == (302, "/admin/")


@pytest.mark.django_db
def test_pages_and_statistics_are_served_while_redis_is_down(settings, client, home_page, caplog):
    from disclosure.models import StatisticsPage

    home_page.add_child(instance=StatisticsPage(title="数据统计", slug="stats"))
    settings.CACHES = DEAD_REDIS
    with caplog.at_level("ERROR", logger="portal.cache"):
        assert client.get("/").status_code == 200
        assert client.get("/stats/").status_code == 200
    assert "Shared cache unreachable" in caplog.text


@pytest.mark.django_db
def test_rate_limits_let_requests_through_while_redis_is_down(settings):
    """The outage is ours; the public is not refused for it (portal/cache.py says why)."""
    settings.CACHES = DEAD_REDIS
    assert all(ratelimit.hit("ip:203.0.113.9", 2, 3600) for _ in range(10))
    ratelimit.lock("track:YXGY-2026-0001", 900)
    assert ratelimit.locked_until("track:YXGY-2026-0001") is None


def test_after_one_failure_redis_is_left_alone_for_a_while(settings, monkeypatch):
    """A dead server costs one timeout per pause, not one per cache call of every request."""
    from django.core.cache.backends.redis import RedisCacheClient

    calls = []

    def unreachable(self, *args, **kwargs):
        calls.append(args)
        raise RedisConnectionError("timed out")

    for method in ("get", "set", "add", "incr", "delete", "get_many"):
        monkeypatch.setattr(RedisCacheClient, method, unreachable)
    settings.CACHES = DEAD_REDIS
    assert cache.get("a", "default") == "default"
    cache.set("a", 1)
    assert cache.add("a", 1) is False and cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):
        cache.incr("a")
    assert len(calls) == 1
