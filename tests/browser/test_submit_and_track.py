import io

from PIL import Image
from playwright.sync_api import expect

from deputies.models import Deputy
from submissions.models import Case, CasePhoto
from tests.browser.conftest import screenshot


def photo_file(tmp_path):
    path = tmp_path / "road.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (90, 120, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


def fill_form(page, title="园区支路夜间没有路灯", phone="13807961234"):
    page.get_by_label("类别").select_option(label="基础设施与安全")
    page.get_by_label("标题").fill(title)
    page.get_by_label("具体情况").fill(
        "创业大道到工业大道之间的支路晚上没有路灯，夜班职工出行不安全。"
    )
    page.get_by_label("您的姓名").fill("王小明")
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("我已阅读并同意个人信息保护告知").check()


def test_scan_to_submit_then_track_on_a_phone(demo_site, phone, tmp_path):
    deputy = Deputy.objects.filter(is_active=True).first()
    phone.goto(f"{demo_site.url}/q/{deputy.qr_token}/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text(deputy.name)
    fill_form(phone)
    expect(phone.locator(".char-counter").first).to_have_text("10 / 60")
    phone.get_by_label("照片（选填，最多3张）").set_input_files(str(photo_file(tmp_path)))
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_role("button", name="提交").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("您反映的问题已收到")
    case = Case.objects.get(title="园区支路夜间没有路灯")
    assert case.deputy == deputy and CasePhoto.objects.filter(case=case).count() == 1
    expect(phone.locator("#reference")).to_have_text(case.reference)
    expect(phone.locator("#tracking-code")).to_have_text(case.formatted_tracking_code)
    screenshot(phone, "submit-done-phone")

    phone.get_by_role("link", name="查询办理进度").click()
    expect(phone.locator(".case-status")).to_contain_text("已收到，待受理")
    expect(phone.locator(".timeline")).to_contain_text("已收到")
    assert "13807961234" not in phone.content() and "王小明" not in phone.content()


def test_bad_input_shows_errors_and_keeps_what_was_typed(demo_site, phone):
    before = Case.objects.count()
    phone.goto(f"{demo_site.url}/submit/")
    fill_form(phone, phone="1380796")
    phone.get_by_label("我已阅读并同意个人信息保护告知").uncheck()
    phone.get_by_role("button", name="提交").click()
    # The missing consent is caught in the browser (static/js/submit-form.js), the phone
    # number's shape by the server.
    expect(phone.locator("#id_consent_jserror")).to_contain_text("需要您同意")
    phone.get_by_label("我已阅读并同意个人信息保护告知").check()
    phone.get_by_role("button", name="提交").click()

    expect(phone.locator("#id_submitter_phone_error")).to_contain_text("11位大陆手机号码")
    expect(phone.get_by_label("标题")).to_have_value("园区支路夜间没有路灯")
    expect(phone.get_by_label("手机号码")).to_have_value("1380796")
    screenshot(phone, "submit-errors-phone")
    assert Case.objects.count() == before

    phone.get_by_label("手机号码").fill("13807961234")
    phone.get_by_role("button", name="提交").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("您反映的问题已收到")
    assert Case.objects.count() == before + 1
