from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from deputies.models import Station
from disclosure.models import DisclosureNotice
from submissions.intake import create_case
from submissions.models import Category, Department
from tests.browser.conftest import screenshot, signed_in_as
from tests.factories import close_through_workflow


def closed_case():
    users = get_user_model().objects
    staff, committee, handler = (users.get(username=u) for u in ("station", "xlgw", "zjj"))
    case, _ = create_case(
        station=Station.default(),
        kind="problem",
        channel="online",
        category=Category.objects.get(name="基础设施与安全"),
        title="宿舍区夜间照明不足",
        description="宿舍区到厂区的小路没有照明，联系人：孙小梅，电话13907960002。",
        submitter_name="孙小梅",
        submitter_phone="13907960002",
        consent_given=True,
        allow_disclosure=True,
    )
    return close_through_workflow(
        case,
        staff=staff,
        committee=committee,
        department=Department.objects.get(short_name="县住建局"),
        handler=handler,
        reply="已在小路两侧安装太阳能路灯8盏。",
    )


def test_staff_generate_editor_submit_moderator_approve_public_finds_it(demo_site, browser, phone):
    case = closed_case()
    base = demo_site.url

    staff = signed_in_as(browser, base, "station")
    staff.goto(f"{base}/admin/cases/{case.pk}/")
    staff.get_by_role("button", name="生成公示").click()
    staff.wait_for_url(f"{base}/admin/pages/*/edit/")
    summary = staff.locator("textarea[name=summary]")
    expect(summary).to_have_value("宿舍区到厂区的小路没有照明，联系人：孙**，电话139****0002。")
    edit_url = staff.url
    notice = DisclosureNotice.objects.get(case=case)

    editor = signed_in_as(browser, base, "editor")
    editor.goto(edit_url)
    editor.locator("textarea[name=handling]").fill(
        "县住建局已在小路两侧安装太阳能路灯8盏，经回访企业满意。"
    )
    editor.locator("footer .w-dropdown__toggle").click()
    editor.locator("button[name=action-submit]").click()
    editor.wait_for_url(f"{base}/admin/pages/{notice.get_parent().pk}/")
    notice.refresh_from_db()
    assert notice.workflow_in_progress and not notice.live

    phone.goto(f"{base}/disclosure/?q=照明")
    expect(phone.locator(".notice-count")).to_have_text("共 0 条公示")  # not before approval

    moderator = signed_in_as(browser, base, "moderator")
    moderator.goto(edit_url)
    moderator.locator("footer .w-dropdown__toggle").click()
    moderator.locator('button[data-workflow-action-name="approve"]').first.click()
    moderator.wait_for_url(f"{base}/admin/pages/{notice.get_parent().pk}/")
    notice.refresh_from_db()
    assert notice.live

    staff.goto(f"{base}/admin/cases/{case.pk}/")
    expect(staff.locator(".disclosure-state")).to_contain_text("已公示")

    phone.goto(f"{base}/disclosure/")
    phone.get_by_label("搜索").fill("照明")
    phone.get_by_label("承办单位").select_option(label="县住建局")
    phone.get_by_role("button", name="搜索").click()
    expect(phone.locator(".notice-item")).to_have_count(1)
    expect(phone.locator(".notice-item")).to_contain_text("宿舍区夜间照明不足")
    screenshot(phone, "disclosure-search")
    phone.get_by_role("link", name="宿舍区夜间照明不足").click()
    expect(phone.locator(".notice-handling")).to_contain_text("太阳能路灯8盏")
    expect(phone.locator("main")).not_to_contain_text("孙小梅")
    expect(phone.locator("main")).not_to_contain_text("13907960002")
