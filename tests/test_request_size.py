"""Issue 17: a request larger than MAX_REQUEST_SIZE is refused from its Content-Length, before
anything (the CSRF check, the form, Django's multipart parser) reads the body."""

import pytest
from django.http import HttpResponse
from django.test import override_settings
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

calls = []


@csrf_exempt
def receive(request):
    calls.append(len(request.body))
    return HttpResponse("received")


urlpatterns = [path("receive/", receive)]


class UnreadableBody:
    """A wsgi.input that fails the test if anyone reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.fixture(autouse=True)
def own_urls(settings):
    settings.ROOT_URLCONF = __name__
    calls.clear()


def test_an_oversized_request_is_refused_before_its_body_is_read(client, settings):
    huge = settings.MAX_REQUEST_SIZE + 1
    response = client.post(
        "/receive/",
        data=b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(huge),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert calls == []  # the view never ran
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "35 MB" in page and "一次提交的内容过大" in page
    # The refusal carries the site's headers like any other answer.
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_default_limit_holds_three_photos_of_the_largest_size(settings):
    from submissions import photos

    assert settings.MAX_REQUEST_SIZE >= photos.MAX_PHOTOS * photos.MAX_BYTES + 1024 * 1024


@override_settings(MAX_REQUEST_SIZE=1000)
def test_a_request_within_the_limit_is_read_as_usual(client):
    response = client.post("/receive/", data=b"x" * 1000, content_type="text/plain")
    assert response.status_code == 200
    assert calls == [1000]
    assert client.post("/receive/", data=b"x" * 1001, content_type="text/plain").status_code == 413
    assert calls == [1000]


def test_a_body_without_a_length_reaches_no_view(client):
    """Chunked uploads carry no Content-Length; under WSGI Django reads such a body as empty, so
    the proxy's own limit (client_max_body_size) is what stops a large one."""
    response = client.post(
        "/receive/",
        data=b"",
        content_type="text/plain",
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 200
    assert calls == [0]
