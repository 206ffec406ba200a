"""Production smoke test: boot the production layout and drive it through HTTP.

Two gunicorn processes (as two web workers that share nothing but the database and the cache)
and the task worker run under portal.settings.smoke (production, with mail and texts written to
files) on DATABASE_URL and REDIS_URL (or CACHE_BACKEND=database). Requests carry the headers
nginx adds (X-Forwarded-For, X-Forwarded-Proto: https). Checked: health; a submission with a
photo; tracking it on the other worker; the receipt e-mail and SMS delivered by the task worker;
an editor's sign-in; a page edit published in the admin and seen at once by an anonymous
visitor of the other worker. Exits non-zero, naming the step, on the first failure.

Usage: .venv/bin/python deploy/smoke.py   (CI: .ci/run; locally: make smoke)
"""

import io
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CLIENT_ADDRESS = f"198.51.100.{secrets.randbelow(250) + 1}"  # a fresh "client" for the limits
SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from deputies.models import Station
from home.models import HomePage
from submissions import roles
User = get_user_model()
Station.objects.get_or_create(reference_prefix="SMOK", defaults={"name": "冒烟测试联络站"})
user, _ = User.objects.get_or_create(username="smoke-moderator")
user.set_password(PASSWORD); user.save()
user.groups.add(Group.objects.get(name=roles.MODERATOR))
print(HomePage.objects.live().first().pk)
"""


def main():
    var = Path(tempfile.mkdtemp(prefix="portal-smoke-"))
    ports = [free_port(), free_port()]
    env = environment(var, ports[0])
    started = time.monotonic()
    manage(env, "migrate", "--noinput", "-v0")
    if env.get("CACHE_BACKEND") == "database":
        manage(env, "createcachetable")
    manage(env, "collectstatic", "--noinput", "-v0")
    password = secrets.token_urlsafe(16)
    home_id = int(manage(env, "shell", "-c", SETUP.replace("PASSWORD", repr(password))).split()[-1])
    print(f"smoke: set up in {time.monotonic() - started:.0f} s", flush=True)

    processes = [gunicorn(env, port) for port in ports]
    processes.append(popen(env, [PYTHON, "manage.py", "db_worker", "--queue-name", "*"]))
    try:
        started = time.monotonic()
        first, second = (Client(f"http://127.0.0.1:{port}") for port in ports)
        wait_until_up(first, second)
        check_flow(env, first, second, var, home_id, password)
        print(f"smoke: passed in {time.monotonic() - started:.0f} s", flush=True)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(var, ignore_errors=True)


def check_flow(env, first, second, var, home_id, password):
    step("health of both web processes")
    for client in (first, second):
        status, body = client.get("/healthz")[:2]
        expect(status == 200 and json.loads(body)["status"] == "ok", f"healthz: {status} {body}")

    step("a submission with a photo")
    phone = f"139{secrets.randbelow(10**8):08d}"
    page = first.get("/submit/")[1]
    form = Form.parse(page, lambda attrs: attrs.get("enctype") == "multipart/form-data")
    fields = form.fields + [
        ("kind", "problem"),
        ("category", re.search(r'<option value="(\d+)"', page).group(1)),
        ("title", "冒烟测试：园区路灯不亮"),
        ("description", "园区大道北段路灯夜间不亮，请尽快修复。"),
        ("submitter_name", "冒烟测试"),
        ("submitter_phone", phone),
        ("submitter_email", "smoke@example.com"),
        ("consent", "on"),
    ]
    status, html, headers = first.post("/submit/", fields, files=[("photos", "lamp.jpg", jpeg())])
    location = headers.get("Location", "")
    expect(status == 302 and "/submit/done/" in location, f"submit answered {status}{errors(html)}")
    done = first.get(location)[1]
    reference = re.search(r'id="reference">([^<]+)<', done).group(1)
    code = re.search(r'id="tracking-code">([^<]+)<', done).group(1)

    step("tracking on the other web process")
    form = Form.parse(second.get("/track/")[1], lambda attrs: attrs.get("method") == "post")
    fields = [*form.without("reference", "code"), ("reference", reference), ("code", code)]
    status, html = second.post("/track/", fields)[:2]
    expect(status == 200 and "冒烟测试：园区路灯不亮" in html, f"tracking answered {status}")

    step("the receipt by e-mail and SMS, sent by the task worker")
    mail = wait_for_file(var / "smoke-outbox" / "mail", reference)
    expect("smoke@example.com" in mail, "the receipt went to someone else")
    wait_for_file(var / "smoke-outbox" / "sms", phone)

    step("an editor signs in")
    editor = Client(first.base)
    form = Form.parse(editor.get("/admin/login/")[1], lambda attrs: attrs.get("method") == "post")
    fields = [*form.without("username", "password"), ("username", "smoke-moderator")]
    status, _, headers = editor.post("/admin/login/", [*fields, ("password", password)])
    expect(status == 302 and headers["Location"] == "/admin/", f"sign-in answered {status}")
    expect(editor.get("/admin/")[0] == 200, "the dashboard did not open")

    step("a published edit is seen by a visitor of the other web process")
    visitor = Client(second.base)
    expect(visitor.get("/")[0] == 200, "the home page did not open")  # and is cached, if it is
    title = f"冒烟测试首页 {uuid.uuid4().hex[:6]}"
    edit_url = f"/admin/pages/{home_id}/edit/"
    form = Form.parse(editor.get(edit_url)[1], lambda attrs: attrs.get("id") == "page-edit-form")
    fields = [*form.without("title", "action-publish"), ("title", title)]
    status, _, headers = editor.post(edit_url, [*fields, ("action-publish", "action-publish")])
    expect(status == 302, f"publishing answered {status}")
    status, html = visitor.get("/")[:2]
    expect(status == 200 and title in html, "the other web process still shows the old page")


def environment(var, port):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.smoke",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SITE_BASE_URL=f"http://127.0.0.1:{port}",
        PORTAL_VAR_DIR=str(var),
        TRUSTED_PROXIES="1",
        WEB_CONCURRENCY="1",
    )
    if env.get("CACHE_BACKEND") != "database":
        env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    return env


def manage(env, *args):
    result = subprocess.run(  # noqa: S603 (our own commands only)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    expect(result.returncode == 0, f"manage.py {args[0]}: {result.stderr.strip()[-2000:]}")
    return result.stdout


def gunicorn(env, port):
    command = [PYTHON, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    return popen(env, [*command, "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"])


def popen(env, command):
    return subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 (our own commands only)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(*clients, seconds=120):
    deadline = time.monotonic() + seconds
    for client in clients:
        while True:
            try:
                if client.get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            expect(time.monotonic() < deadline, f"{client.base} did not start")
            time.sleep(0.5)


def wait_for_file(folder, text, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in sorted(folder.glob("*")) if folder.exists() else []:
            content = path.read_text(errors="replace")
            if text in content or text in decode_mail(content):
                return content
        time.sleep(0.5)
    raise SystemExit(f"smoke: FAILED: nothing mentioning {text} in {folder} after {seconds} s")


def decode_mail(content):
    """The file-based backend writes MIME: Chinese bodies are base64 or quoted-printable."""
    from email import message_from_string

    parts = message_from_string(content.split("\n" + "-" * 79)[0]).walk()
    return " ".join(
        (part.get_payload(decode=True) or b"").decode("utf-8", "replace")
        for part in parts
        if not part.is_multipart()
    ) + " ".join(message_from_string(content).values())


def jpeg():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


class Client:
    """A browser enough for the smoke test: keeps cookies (the Secure ones too, as nginx would
    carry them over HTTPS), sends nginx's forwarding headers, does not follow redirects."""

    def __init__(self, base):
        self.base, self.cookies = base, {}
        self.opener = urllib.request.build_opener(NoRedirect)

    def get(self, path):
        return self.request(urllib.request.Request(self.base + path))  # noqa: S310 (http://)

    def post(self, path, fields, files=()):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        url = self.base + path  # always http://127.0.0.1:<port>
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        request.add_header("Content-Type", content_type)
        request.add_header("Referer", self.base.replace("http:", "https:", 1) + path)
        return self.request(request)

    def request(self, request):
        request.add_header("X-Forwarded-For", CLIENT_ADDRESS)
        request.add_header("X-Forwarded-Proto", "https")
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name.strip()] = value.strip()
        return response.status, response.read().decode("utf-8", "replace"), response.headers


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Form(HTMLParser):
    """The fields a browser would send from the first form that matches: inputs (checked
    boxes only, no buttons or files), text areas and selected options."""

    def __init__(self, match):
        super().__init__(convert_charrefs=True)
        self.match, self.inside, self.done, self.fields = match, False, False, []
        self.textarea = self.select = None

    @classmethod
    def parse(cls, html, match):
        form = cls(match)
        form.feed(html)
        expect(form.done or form.inside, "the form is missing from the page")
        return form

    def without(self, *names):
        return [(name, value) for name, value in self.fields if name not in names]

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self.done and not self.inside and self.match(attrs):
            self.inside = True
        if not self.inside or "name" not in attrs and tag != "option":
            return
        kind = attrs.get("type", "text").lower()
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                default = "on" if kind in {"checkbox", "radio"} else ""
                self.fields.append((attrs["name"], attrs.get("value", default)))
        elif tag == "textarea":
            self.textarea = [attrs["name"], ""]
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value", "")))

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form":
            self.inside, self.done = False, True


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        )
        body.write(f"{value}\r\n".encode())
    for name, filename, content in files:
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def errors(html):
    """The messages a form shows next to its fields, for the failure line."""
    found = re.findall(r'class="invalid-feedback"[^>]*>\s*<strong>(.*?)</strong>', html, re.S)
    found += re.findall(r'class="alert[^"]*"[^>]*>(.*?)</', html, re.S)
    return f": {'; '.join(found)}" if found else ""


def step(name):
    print(f"smoke: {name}", flush=True)


def expect(condition, message):
    if not condition:
        raise SystemExit(f"smoke: FAILED: {message}")


if __name__ == "__main__":
    main()
