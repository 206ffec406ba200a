"""查我的反映: a phone, a one-time SMS code, and the list of that phone's cases."""

import re
import threading
import time
import unicodedata

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mycases import codes
from notifications import sms
from tests.factories import StationFactory, make_case

PHONE = "13807961234"


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.SMS_BACKEND = "notifications.sms.OutboxSMSBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def station(db):
    return StationFactory(name="工业园区联络站", reference_prefix="YXGY")


def ask_code(client, phone=PHONE):
    return client.post("/my-cases/", {"phone": phone})


def last_code(outbox, phone=PHONE):
    to, text = outbox[-1]
    assert to == phone
    return re.search(r"\d{6}", text)[0]


def send_code(client, phone, code):
    return client.post("/my-cases/code/", {"phone": phone, "code": code})


def open_list(client, outbox, phone=PHONE):
    ask_code(client, phone)
    response = send_code(client, phone, last_code(outbox, phone))
    assert response.status_code == 302 and response["Location"] == "/my-cases/list/"
    return client.get("/my-cases/list/")


@pytest.mark.django_db
class TestMyCases:
    def test_the_code_opens_every_case_of_the_phone_and_each_link_opens_its_case(
        self, client, station, outbox
    ):
        mine = [make_case(station, title=f"路灯坏了第{n}处") for n in range(3)]
        theirs = make_case(station, title="别人的反映", submitter_phone="13907960000")
        asked = ask_code(client, "138 0796 1234")
        assert asked.status_code == 200 and "138****1234" in asked.text
        assert PHONE not in asked.text.replace(f'value="{PHONE}"', "")  # only the hidden field
        ((to, text),) = outbox
        assert to == PHONE and "工业园区联络站" in text and len(text) <= 70
        page = open_list(client, outbox)
        assert [row[0] for row in page.context["rows"]] == mine[::-1]
        for case in mine:
            assert case.reference in page.text and case.title in page.text
            assert case.tracking_code not in page.text
        assert theirs.reference not in page.text and theirs.title not in page.text
        assert "待受理" in page.text  # the status
        for case, url in page.context["rows"]:
            assert url in page.text and "?" not in url
            opened = Client().get(url)  # a link works without the session that listed it
            assert opened.context["case"] == case and opened.context["error"] is None

    def test_the_list_costs_the_same_queries_for_one_case_or_twenty(self, station, outbox):
        def queries(count):
            phone = f"1390796{count:04d}"
            for _ in range(count):
                make_case(station, submitter_phone=phone)
            client = Client()
            assert len(open_list(client, outbox, phone).context["rows"]) == count
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/my-cases/list/").status_code == 200
            return len(captured)

        assert queries(1) == queries(20)

    def test_an_unknown_phone_gets_the_same_answer_and_an_empty_list(self, station, outbox):
        make_case(station)
        known = ask_code(Client(), PHONE)
        unknown = ask_code(Client(), "13907965678")
        assert len(outbox) == 2  # a code goes to both: nothing tells them apart

        def shape(response, phone):
            text = response.text.replace(phone, "N").replace(f"{phone[:3]}****{phone[-4:]}", "M")
            return re.sub(r'value="[^"]{20,}"|nonce="[^"]+"', "", text)

        assert known.status_code == unknown.status_code == 200
        assert shape(known, PHONE) == shape(unknown, "13907965678")
        page = open_list(Client(), outbox, "13907965678")
        assert page.context["rows"] == [] and "这个号码没有反映记录" in page.text

    def test_a_wrong_code_is_refused_next_to_the_field_and_the_right_one_still_works(
        self, client, station, outbox
    ):
        make_case(station)
        ask_code(client)
        code = last_code(outbox)
        wrong = send_code(client, PHONE, f"{(int(code) + 1) % 10**6:06d}")
        assert wrong.status_code == 400 and "还可以再试4次" in wrong.text
        assert "invalid-feedback" in wrong.text and "/my-cases/list/" not in wrong.text
        assert send_code(client, PHONE, "12a45").status_code == 400
        assert send_code(client, PHONE, code).status_code == 302

    def test_a_code_works_once(self, client, station, outbox):
        make_case(station)
        open_list(client, outbox)
        again = send_code(Client(), PHONE, last_code(outbox))
        assert again.status_code == 400 and "已失效或已使用" in again.text

    def test_a_code_expires_after_ten_minutes(self, client, station, outbox, monkeypatch):
        now = [1_000_000.0]
        monkeypatch.setattr("mycases.codes.time.time", lambda: now[0])
        ask_code(client)
        now[0] += 10 * 60 + 1
        late = send_code(client, PHONE, last_code(outbox))
        assert late.status_code == 400 and "已失效" in late.text

    def test_five_wrong_codes_void_the_code_and_a_new_one_works(self, client, station, outbox):
        make_case(station)
        ask_code(client)
        code = last_code(outbox)
        for _ in range(5):
            wrong = "000000" if code != "000000" else "111111"
            send_code(Client(REMOTE_ADDR="10.9.0.1"), PHONE, wrong)
        refused = send_code(client, PHONE, code)  # even the right one, once the tries are spent
        assert refused.status_code == 400 and "已作废" in refused.text
        assert open_list(client, outbox).status_code == 200

    def test_a_new_code_replaces_the_old_and_a_code_opens_only_its_own_phone(
        self, client, station, outbox
    ):
        make_case(station)
        ask_code(client)
        old = last_code(outbox)
        ask_code(client)
        assert send_code(client, PHONE, old).status_code == 400  # 1 in a million: the same code
        ask_code(client, "13907965678")
        other = last_code(outbox, "13907965678")
        assert send_code(client, PHONE, other).status_code == 400
        assert send_code(client, "13907965678", other).status_code == 302

    def test_codes_are_limited_per_phone_and_per_address(self, station, outbox, settings):
        for n in range(5):
            assert ask_code(Client(REMOTE_ADDR=f"10.1.0.{n}")).status_code == 200
        refused = ask_code(Client(REMOTE_ADDR="10.1.0.9"))
        assert refused.status_code == 429 and "这个号码获取验证码的次数过多" in refused.text
        assert len(outbox) == 5
        settings.MY_CASES_CODES_PER_IP = (3, 3600)
        shared = Client(REMOTE_ADDR="10.2.0.1")
        for n in range(3):
            assert ask_code(shared, f"1390796000{n}").status_code == 200
        refused = ask_code(shared, "13907960009")
        assert refused.status_code == 429 and "这个网络" in refused.text
        assert 'value="13907960009"' in refused.text  # what was typed is kept

    def test_the_list_closes_after_its_time(self, client, station, outbox, monkeypatch):
        make_case(station)
        now = [1_000_000.0]
        monkeypatch.setattr("mycases.lists.time.time", lambda: now[0])
        assert open_list(client, outbox).status_code == 200
        now[0] += 30 * 60 + 1
        closed = client.get("/my-cases/list/", follow=True)
        assert closed.redirect_chain == [("/my-cases/", 302)]
        assert "请重新验证手机号" in closed.text
        assert Client().get("/my-cases/list/")["Location"] == "/my-cases/"  # no session: none

    def test_a_changed_hidden_phone_starts_again(self, client, station, outbox):
        ask_code(client)
        response = send_code(client, "not-a-phone", last_code(outbox))
        assert response.status_code == 302 and response["Location"] == "/my-cases/"

    def test_a_failed_sms_says_so(self, client, station, settings):
        settings.SMS_BACKEND = "tests.test_my_cases.BrokenSMS"
        response = ask_code(client)
        assert response.status_code == 429 and "短信发送失败" in response.text


def zh(message):
    # As the page says it (the catalogue is filled after this branch).
    from django.utils import translation

    with translation.override("zh-hans"):
        return translation.gettext(message)


NETWORK_REFUSED = "Too many wrong codes from this network. Please try again in an hour."


def wrong_for(code):
    return f"{(int(code) + 1) % 10**6:06d}"


@pytest.mark.django_db
class TestGuessing:
    """Each code dies after five wrong tries, and each phone gets five codes an hour; but one
    address may ask codes for hundreds of numbers (a factory's NAT), so without a ceiling of
    its own it could make a thousand guesses an hour at whichever list opens first."""

    def test_wrong_codes_from_one_address_are_capped_across_phones(self, station, outbox, settings):
        settings.MY_CASES_FAILURES_PER_IP = (3, 3600)
        phones = [f"1390796100{n}" for n in range(4)]
        codes = {}
        for n, phone in enumerate(phones):
            ask_code(Client(REMOTE_ADDR=f"10.6.0.{n}"), phone)
            codes[phone] = last_code(outbox, phone)
        guesser = Client(REMOTE_ADDR="10.7.0.1")
        for phone in phones[:3]:
            assert send_code(guesser, phone, wrong_for(codes[phone])).status_code == 400
        refused = send_code(guesser, phones[3], codes[phones[3]])  # even a right one
        assert refused.status_code == 429 and zh(NETWORK_REFUSED) in refused.text
        assert "invalid-feedback" in refused.text
        assert guesser.get("/my-cases/list/").status_code == 302
        # The refusal did not spend the code: its owner, elsewhere, still gets in.
        assert (
            send_code(Client(REMOTE_ADDR="10.6.0.3"), phones[3], codes[phones[3]]).status_code
            == 302
        )

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(guesses=st.lists(st.integers(0, 3), min_size=1, max_size=12), limit=st.integers(1, 6))
    def test_no_address_hears_more_wrong_verdicts_than_its_ceiling(
        self, station, outbox, guesses, limit
    ):
        from django.test import override_settings

        cache.clear()
        phones = [f"1390796200{n}" for n in range(4)]
        codes = {}
        for n, phone in enumerate(phones):
            ask_code(Client(REMOTE_ADDR=f"10.6.1.{n}"), phone)
            codes[phone] = last_code(outbox, phone)
        guesser = Client(REMOTE_ADDR="10.7.1.1")
        with override_settings(MY_CASES_FAILURES_PER_IP=(limit, 3600)):
            answers = [
                send_code(guesser, phones[n], wrong_for(codes[phones[n]])).status_code
                for n in guesses
            ]
        assert answers.count(400) == min(limit, len(guesses))
        assert set(answers[limit:]) <= {429}


@pytest.mark.django_db
class TestClosing:
    def test_the_submitter_closes_the_list_and_its_session_no_longer_opens_it(
        self, client, station, outbox
    ):
        make_case(station)
        page = open_list(client, outbox)
        assert 'action="/my-cases/close/"' in page.text
        assert client.get("/my-cases/close/").status_code == 405
        closed = client.post("/my-cases/close/", follow=True)
        assert closed.redirect_chain == [("/my-cases/", 302)]
        assert zh("Your list is closed.") in closed.text
        assert client.get("/my-cases/list/")["Location"] == "/my-cases/"

    def test_closing_needs_the_page_s_csrf_token(self, station, outbox):
        make_case(station)
        client = Client(enforce_csrf_checks=True)
        ask = client.get("/my-cases/")
        token = ask.context["csrf_token"]
        client.post("/my-cases/", {"phone": PHONE, "csrfmiddlewaretoken": str(token)})
        response = client.post(
            "/my-cases/code/",
            {"phone": PHONE, "code": last_code(outbox), "csrfmiddlewaretoken": str(token)},
        )
        assert response.status_code == 302
        assert client.post("/my-cases/close/").status_code == 403  # a forged post from elsewhere
        assert client.get("/my-cases/list/").status_code == 200


@pytest.mark.django_db
class TestSessions:
    def test_passing_the_code_gives_a_new_session_id_and_no_page_is_stored(
        self, client, station, outbox
    ):
        make_case(station)
        client.get("/my-cases/")
        client.session.save()  # a session id an attacker could have planted beforehand
        planted = client.cookies["sessionid"].value
        asked = ask_code(client)
        page = open_list(client, outbox)
        assert client.cookies["sessionid"].value != planted
        planted_client = Client()
        planted_client.cookies["sessionid"] = planted
        assert planted_client.get("/my-cases/list/").status_code == 302
        for response in (asked, page):
            assert "no-store" in response["Cache-Control"]
            assert "private" in response["Cache-Control"]


def test_the_links_on_the_list_last_as_long_as_the_list(station, outbox, settings, monkeypatch):
    """The list closes after MY_CASES_MINUTES for the submitter's privacy; the tracking pages it
    links to stay in the browser's history, so their links must not outlive it."""
    from submissions.models import Case

    case = make_case(station)
    Case.objects.filter(pk=case.pk).update(status=Case.Status.AWAITING_FEEDBACK)
    client = Client()
    [(_case, url)] = open_list(client, outbox).context["rows"]
    opened = Client().get(url)
    assert opened.context["case"] == case
    action = re.search(r'<form method="post" action="([^"]+)" class="feedback-form"', opened.text)
    assert action[1] == url  # the rating goes back through the same short-lived link
    later = time.time() + settings.MY_CASES_MINUTES * 60 + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    expired = Client().get(url)
    assert expired.status_code == 410 and expired.context["case"] is None


class SlowCache:
    """The shared cache, except that reading a code waits until both racers have read it: the
    worst interleaving of two verifications of one code, made certain."""

    def __init__(self, racers):
        self.barrier = threading.Barrier(racers)

    def get(self, key, *args, **kwargs):
        value = cache.get(key, *args, **kwargs)
        self.barrier.wait(timeout=10)
        return value

    def __getattr__(self, name):
        return getattr(cache, name)


def test_two_verifications_racing_with_one_code_open_at_most_one_list(outbox, monkeypatch):
    monkeypatch.setattr("mycases.codes.Station.default", lambda: None)
    codes.send(PHONE, "10.8.0.1")
    code = last_code(outbox)
    monkeypatch.setattr("mycases.codes.cache", SlowCache(2))
    results = []

    def verify(address):
        try:
            codes.check(PHONE, code, address)
            results.append("opened")
        except codes.Refused as refused:
            results.append(str(refused))

    racers = [threading.Thread(target=verify, args=(f"10.8.0.{n}",)) for n in (2, 3)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(results)[0] == "opened" and results.count("opened") == 1


@st.composite
def typed_codes(draw):
    """An SMS code as people copy or type it: split in threes, full-width digits."""
    code = draw(st.from_regex(r"[0-9]{6}", fullmatch=True))
    out = []
    for ch in code:
        out.append(FULL_WIDTH.get(ch, ch) if draw(st.booleans()) else ch)
        out.append(draw(st.sampled_from(["", "", "", " ", "\u3000"])))
    return code, "".join(out)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed_codes())
@example(("123456", "123 456"))
def test_a_code_typed_with_spaces_or_full_width_digits_is_read_as_its_digits(
    station, outbox, monkeypatch, pair
):
    cache.clear()
    code, text = pair
    monkeypatch.setattr("mycases.codes.secrets.randbelow", lambda _n: int(code))
    client = Client()
    ask_code(client)
    assert send_code(client, PHONE, text).status_code == 302, text


class BrokenSMS:
    def send(self, phone, text):
        raise ConnectionError("provider down")


FULL_WIDTH = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}


def typed(draw, number):
    """A number as people type it: prefixes, spaces (full width too), dashes, full-width
    digits from a Chinese input method."""
    prefix = draw(st.sampled_from(["", "+86", "86", "+86 ", "＋８６", "(+86)"]))
    out = []
    for ch in prefix + number:
        out.append(FULL_WIDTH.get(ch, ch) if draw(st.booleans()) else ch)
        out.append(draw(st.sampled_from(["", "", "", " ", "\u3000", "-"])))
    return "".join(out).strip()


@st.composite
def typed_numbers(draw):
    rest = draw(st.from_regex(r"[0-9]{9}", fullmatch=True))
    number = "1" + draw(st.sampled_from("3456789")) + rest
    return number, typed(draw, number)


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(typed_numbers())
def test_a_number_typed_any_usual_way_gets_its_code(station, outbox, pair):
    cache.clear()  # examples may repeat a number: the per-phone limit is not under test
    number, text = pair
    response = ask_code(Client(), text)
    assert response.status_code == 200, text
    assert outbox[-1][0] == number


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=30))
@example("1３८०७९६१२३४")  # digits of other scripts are digits to \d, not to a phone
def test_anything_else_is_refused_next_to_the_field(station, outbox, text):
    normal = re.sub(r"[\s\-()（）]", "", unicodedata.normalize("NFKC", text))
    if re.fullmatch(r"(\+?86)?1[3-9][0-9]{9}", normal):
        return  # a number after all: the other test's business
    cache.clear()
    before = len(outbox)
    response = ask_code(Client(), text)
    assert response.status_code == 200 and len(outbox) == before
    assert 'class="invalid-feedback" id="id_phone_error"' in response.text
