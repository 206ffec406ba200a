import json

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import path


@pytest.mark.django_db
def test_healthz_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_fails(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable"


@pytest.mark.django_db
def test_unknown_path_gives_the_chinese_404_page(client, home_page):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert 'href="/submit/"' in html


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", boom)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_server_error_gives_the_chinese_500_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_500_template_renders_without_any_context():
    html = render_to_string("500.html")
    assert '<html lang="zh-CN">' in html
    assert "服务器出错" in html
