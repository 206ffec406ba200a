"""Staff choose the period (and the committee a department) and download a ledger that prints."""

import io
from pathlib import Path

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from deputies.models import Station
from submissions.models import Department
from tests.browser.conftest import screenshot, signed_in_as


def read(download):
    """The downloaded file's sheet (Playwright saves it without its extension)."""
    return openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active


def test_choosing_a_period_and_a_department_then_downloading(demo_site, browser):
    committee = signed_in_as(browser, demo_site.url, "xlgw")
    committee.goto(f"{demo_site.url}/admin/cases/ledgers/")
    month, start, end = (committee.locator(f"#id_{name}") for name in ("month", "start", "end"))
    today = timezone.localdate()
    expect(month).to_have_value(f"{today:%Y-%m}")  # this month unless chosen otherwise

    # Typing a date clears the month: what shows is what is sent. One date alone is refused
    # next to the missing one, and the date typed stays.
    start.fill(f"{today:%Y-%m}-01")
    expect(month).to_have_value("")
    committee.get_by_role("button", name="问题清单").click()
    expect(committee.locator("[data-contentpath=end] .error-message")).to_be_visible()
    expect(committee.locator("#id_start")).to_have_value(f"{today:%Y-%m}-01")
    screenshot(committee, "ledgers-period-error")

    end.fill(f"{today:%Y-%m-%d}")
    with committee.expect_download() as download:
        committee.get_by_role("button", name="问题清单").click()
    name = download.value.suggested_filename
    assert name.startswith("问题清单-") and name.endswith(".xlsx")
    sheet = read(download.value)
    assert sheet["A1"].value.startswith(Station.default().name)
    assert sheet["A2"].value == "序号" and sheet.print_title_rows == "$1:$2"

    # Choosing a month clears the dates; the committee may pick one department.
    month.fill(f"{today:%Y-%m}")
    expect(start).to_have_value("")
    expect(end).to_have_value("")
    chosen = committee.locator("#id_department option").nth(1).get_attribute("value")
    committee.locator("#id_department").select_option(chosen)
    department = Department.objects.get(pk=chosen).name
    with committee.expect_download() as download:
        committee.get_by_role("button", name="认领清单").click()
    assert download.value.suggested_filename.startswith(f"认领清单-{department}-")
    sheet = read(download.value)
    assert department in sheet["A1"].value

    # A department has no department to choose: it only ever gets its own rounds.
    handler = signed_in_as(browser, demo_site.url, "zjj")
    handler.goto(f"{demo_site.url}/admin/cases/ledgers/")
    expect(handler.locator("#id_month")).to_be_visible()
    expect(handler.locator("#id_department")).to_have_count(0)
    with handler.expect_download() as download:
        handler.get_by_role("button", name="认领清单").click()
    assert download.value.suggested_filename.startswith("认领清单-")
