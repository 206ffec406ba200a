"""No public page shows a submitter's name, phone, e-mail or tracking code: seed the demo,
add a case full of personal data and disclose it, then crawl every public URL."""

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied

from disclosure import notices, stats
from submissions.models import Case
from tests.factories import close_through_workflow, make_case

# /display/ is the 长辈版 switch: a redirect back to the page it is on, by design.
SKIP = ("/admin", "/documents", "/static", "/media", "/healthz", "/display/")
HREF = re.compile(r'href="([^"#]+)"')


def crawl(client, starts, limit=600):
    seen, queue, pages = set(), deque(starts), {}
    while queue and len(seen) < limit:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        # Every link on the public site answers itself: a redirect would hide its target from
        # this crawl (redirects are not followed), so one showing up must be looked at.
        assert response.status_code == 200, url
        if "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        for href in HREF.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
                continue  # tel:, mailto: and other sites
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if not path.startswith(SKIP) and path not in seen:
                queue.append(path)
    return pages


@pytest.mark.django_db
def test_no_public_page_shows_any_submitters_personal_data(client, demo):
    staff = get_user_model().objects.get(username="station")
    committee = get_user_model().objects.get(username="xlgw")
    handler = get_user_model().objects.get(username="zjj")
    case = make_case(
        Case.objects.first().station,
        title="欧阳娜娜反映宿舍区没有路灯",
        description="我叫欧阳娜娜，手机13912345678，邮箱ouyang@example.com，身份证36010219900307123X。",
        submitter_name="欧阳娜娜",
        submitter_phone="13912345678",
        submitter_email="ouyang@example.com",
        allow_disclosure=True,
    )
    case = close_through_workflow(
        case,
        staff=staff,
        committee=committee,
        department=handler.staff_profile.department,
        handler=handler,
        reply="已联系欧阳娜娜（13912345678），路灯已装好。",
    )
    notice, _ = notices.generate(case, staff)
    notice.save_revision().publish()

    starts = ["/", "/disclosure/", "/stats/", "/key-issues/", "/deputies/", notice.url]
    starts += [f"/stats/?period={period.key}" for period in stats.periods()]
    pages = crawl(client, starts)
    assert notice.url in pages and "/disclosure/print/" in " ".join(pages)
    assert len(pages) > 40  # the crawl really went through the site

    private = set()
    for name, phone, email, code in Case.objects.values_list(
        "submitter_name", "submitter_phone", "submitter_email", "tracking_code"
    ):
        private.update(value for value in (name, phone, email, code) if value)
    assert {"欧阳娜娜", "13912345678", "ouyang@example.com"} <= private
    leaks = {(url, value) for url, html in pages.items() for value in private if value in html}
    assert not leaks
    assert "36010219900307123X" not in "".join(pages.values())


@pytest.mark.django_db
def test_notices_from_cases_full_of_personal_data_leak_nothing_on_any_public_url(client, demo):
    """One case per writing style of personal data (tests.test_masking_property.STYLES), in the
    title, the description and the department's reply. Each becomes a notice: masked when it is
    generated; what is only flagged blocks publishing until the editor removes it (as they
    would); then every public URL is crawled for every planted value."""
    import random

    from submissions.masking import leftovers
    from tests.test_masking_property import STYLES, sentence

    users = get_user_model().objects
    staff, committee = users.get(username="station"), users.get(username="xlgw")
    handler = users.get(username="zjj")
    station = Case.objects.first().station
    planted, published, blocked = {}, [], 0
    for number, (style, make) in enumerate(STYLES.items()):
        rng = random.Random(f"crawl-{number}")
        items = [make(rng) for _ in range(3)]  # one each for the title, description and reply
        if items[0].names:  # a name the case knows (its submitter's): the same person throughout
            items = [items[0]] * 3
        title_item = min(items, key=lambda item: len(item.text))
        case = make_case(
            station,
            title=f"关于{title_item.text}"[:60],
            description=sentence(rng, items[1]),
            submitter_name=(items[0].names or ["钱多多"])[0][:30],
            allow_disclosure=True,
        )
        case = close_through_workflow(
            case,
            staff=staff,
            committee=committee,
            department=handler.staff_profile.department,
            handler=handler,
            reply=sentence(rng, items[2]),
        )
        notice, _ = notices.generate(case, staff)
        if notice.unconfirmed_leftovers():
            blocked += 1
            with pytest.raises(PermissionDenied):
                notice.save_revision().publish()
            for field in notice.PUBLIC_TEXT_FIELDS:  # the editor deletes what was flagged
                text = getattr(notice, field) or ""
                for fragment in leftovers(text):
                    text = text.replace(fragment, "（已删除）")
                setattr(notice, field, text)
            notice.save()
        notice.save_revision().publish()
        published.append(notice.url)
        for item, where in ((title_item, case.title), *((i, None) for i in items[1:])):
            if where is None or item.value in where:  # a title may be cut at 60 characters
                planted[item.value] = style
    starts = ["/", "/disclosure/", "/stats/", *published]
    starts += [f"/disclosure/?page={page}" for page in range(1, 5)]
    pages = crawl(client, starts, limit=900)
    assert set(published) <= set(pages)
    leaks = {
        (url, value, style)
        for url, html in pages.items()
        for value, style in planted.items()
        if value in html
    }
    assert not leaks
    print(
        f"\n  crawl: {len(STYLES)} styles, {len(planted)} planted values, "
        f"{len(published)} notices ({blocked} held back until the editor removed what was "
        f"flagged), {len(pages)} public URLs"
    )
