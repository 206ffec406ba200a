"""The public form and the rating form on a 360 x 740 phone: nothing lost to an error, nothing
uploaded that would come back with one, and nothing wider than the screen."""

import io
import re

from PIL import Image
from playwright.sync_api import expect

from submissions.models import Assignment, Case, CasePhoto
from tests.browser.conftest import screenshot
from tests.browser.test_submit_and_track import fill_form

CONSENT = "我已阅读并同意个人信息保护告知"


def big_photo(tmp_path):
    """A camera-sized photo: the browser shrinks it to 2000 px before sending."""
    path = tmp_path / "road.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2400), (90, 120, 200)).save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return path


def fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def posts_to(page, path):
    sent = []
    page.on(
        "request", lambda r: sent.append(r) if r.method == "POST" and r.url.endswith(path) else None
    )
    return sent


def test_the_browser_stops_an_upload_that_lacks_a_required_box(demo_site, phone, tmp_path):
    phone.goto(f"{demo_site.url}/submit/")
    sent = posts_to(phone, "/submit/")
    notice, similar = phone.locator("#category-notice"), phone.locator("#similar-cases")
    expect(notice).to_be_hidden()
    expect(similar).to_be_hidden()
    fill_form(phone)  # chooses 基础设施与安全
    expect(notice).to_be_visible()
    expect(notice).to_have_text("紧急情况请立即拨打119/110")
    phone.get_by_label("类别").select_option(label="用工招聘")
    expect(notice).to_be_hidden()

    phone.get_by_label("标题").fill("")
    phone.get_by_label("标题").press_sequentially("企业融资太难了")
    expect(similar).to_contain_text("已有类似问题？")
    expect(similar.get_by_role("link", name="企业融资难")).to_have_attribute(
        "href", "/key-issues/financing/"
    )
    fits(phone)

    phone.get_by_label(CONSENT).uncheck()
    phone.get_by_label("标题").fill("")
    phone.get_by_label("照片（选填，最多3张）").set_input_files(str(big_photo(tmp_path)))
    phone.get_by_role("button", name="提交").click()

    summary = phone.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["请填写标题。", re.compile("需要您同意")])
    expect(phone.locator("#id_consent_jserror")).to_contain_text("需要您同意")
    assert sent == []  # nothing was uploaded
    fits(phone)
    screenshot(phone, "submit-browser-check-phone")

    summary.get_by_role("link", name="请填写标题。").click()
    expect(phone.get_by_label("标题")).to_be_focused()


def test_a_photo_is_kept_across_a_server_error_and_joins_the_case(demo_site, phone, tmp_path):
    phone.goto(f"{demo_site.url}/submit/")
    fill_form(phone, title="支路路灯坏了三盏", phone="1380796")  # the server refuses the phone
    phone.get_by_label("照片（选填，最多3张）").set_input_files(str(big_photo(tmp_path)))
    phone.get_by_role("button", name="提交").click()

    expect(phone.locator("#id_submitter_phone_error")).to_contain_text("11位大陆手机号码")
    expect(phone.locator("#error-summary")).to_be_focused()
    expect(phone.locator("#category-notice")).to_have_text("紧急情况请立即拨打119/110")
    thumbnail = phone.get_by_role("img", name="已保留的照片1")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.naturalWidth") > 0  # served to this browser
    fits(phone)
    screenshot(phone, "submit-kept-photo-phone")

    phone.get_by_label("手机号码").fill("13807961234")
    phone.get_by_label(CONSENT).check()
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("您反映的问题已收到")
    case = Case.objects.get(title="支路路灯坏了三盏")
    [photo] = CasePhoto.objects.filter(case=case)
    assert (photo.width, photo.height) == (2000, 1600)  # shrunk in the browser, then kept


def test_rating_on_a_phone(demo_site, phone):
    case = Case.objects.filter(status=Case.Status.AWAITING_FEEDBACK).first()
    phone.goto(f"{demo_site.url}/track/")
    phone.get_by_label("编号").fill(case.reference)
    phone.get_by_label("查询码").fill(case.tracking_code)
    phone.get_by_role("button", name="查询").click()

    form = phone.locator(".feedback-form")
    form.get_by_label("意见（选填）").fill("路灯修好了但还是不够亮")
    form.get_by_role("button").click()
    expect(phone.locator(".feedback-form")).to_contain_text("请选择满意度")
    expect(phone.locator(".feedback-form textarea")).to_have_value("路灯修好了但还是不够亮")
    for choice in ("满意", "基本满意", "不满意"):
        box = phone.get_by_label(choice, exact=True).locator("xpath=..").bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300  # a thumb finds it
    fits(phone)
    screenshot(phone, "rating-error-phone")

    phone.get_by_label("不满意", exact=True).check()
    phone.locator(".feedback-form").get_by_role("button").click()
    expect(phone.locator("main")).to_contain_text("并列入持续督办")
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED
    assert case.current_assignment.supervision == Assignment.Supervision.CONTINUED
    fits(phone)
