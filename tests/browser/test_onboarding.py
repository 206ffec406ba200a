"""Issue 13 in a real browser: the station's administrator onboards a department and a handler
login bound to it; the handler signs in and works from that department's claim list."""

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from submissions import workflow
from submissions.models import Department
from tests.browser.conftest import admin_login, online_case, screenshot, signed_in_as

PASSWORD = "Handler-2026-pass"


def assigned_case(department, title):
    users = get_user_model().objects
    case = online_case(
        title, f"{title}，影响企业发货。", "周先生", "13907960002", category="物流交通"
    )
    case = workflow.accept(case, users.get(username="station"))
    return workflow.assign(case, users.get(username="xlgw"), department)


def save(page):
    page.locator("#w-editor-form footer button[type=submit]").first.click()


def test_administrator_onboards_a_department_and_its_handler_lands_on_its_claims(
    demo_site, browser
):
    admin = signed_in_as(browser, demo_site.url, "admin")

    # the sidebar's 基础数据 (English until the catalogue has the new labels)
    admin.get_by_role("button", name=re.compile("基础数据|Reference data")).click()
    admin.locator('#wagtail-sidebar a[href="/admin/organisations/departments/"]').click()
    expect(admin).to_have_url(re.compile(r"/admin/organisations/departments/$"))
    admin.locator('a[href="/admin/organisations/departments/new/"]').first.click()
    admin.fill("#id_name", "云溪县交通运输局")
    admin.fill("#id_short_name", "县交通局")
    admin.select_option("#id_committee", label="城乡建设环境保护工委")
    admin.fill("#id_contact_person", "办公室")
    admin.fill("#id_contact_phone", "0796-5550300")
    save(admin)
    expect(admin.locator(".messages")).to_contain_text("县交通局")
    department = Department.objects.get(name="云溪县交通运输局")
    assert department.committee.name == "城乡建设环境保护工委"

    admin.goto(f"{demo_site.url}/admin/users/new/")
    admin.fill("#id_username", "jtj")
    admin.fill("#id_password1", PASSWORD)
    admin.fill("#id_password2", PASSWORD)
    admin.locator("#tab-label-roles").click()
    admin.check("input[name=acts_for][value=department]")
    admin.select_option("#id_department", str(department.pk))
    admin.get_by_label("承办单位经办人", exact=True).check()
    screenshot(admin, "onboarding-handler-login")
    save(admin)
    expect(admin.locator(".messages")).to_contain_text("jtj")
    profile = get_user_model().objects.get(username="jtj").staff_profile
    assert (profile.acts_for, profile.department) == ("department", department)

    own = assigned_case(department, "园区到高速口货车限行")
    other = assigned_case(Department.objects.get(short_name="县住建局"), "厂区门口道路积水")

    handler = admin_login(browser, demo_site.url, "jtj", PASSWORD)
    handler.locator(".case-queues").get_by_role("link", name="认领清单").click()
    expect(handler).to_have_url(re.compile(r"/admin/cases/claims/"))
    listing = handler.locator("main")
    expect(listing).to_contain_text(own.reference)
    expect(listing).not_to_contain_text(other.reference)
    screenshot(handler, "onboarding-handler-claims")
