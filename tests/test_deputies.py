"""Deputy wall, profiles, permanent QR links and images, posters, rotation, roster warnings."""

import datetime
import io

import pytest
import zxingcpp
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image
from wagtail.models import ModelLogEntry

from deputies.models import Deputy, Pairing, ReceptionDay
from deputies.pages import DeputyIndexPage, ReceptionPage
from tests.factories import DeputyFactory, EnterpriseFactory, StationFactory


@pytest.fixture
def wall(home_page):
    page = DeputyIndexPage(title="代表墙", slug="deputies")
    home_page.add_child(instance=page)
    return page


@pytest.fixture
def station(db):
    return StationFactory()


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("boss", password="pw")
    client.force_login(user)
    return client


def reception_day(station, days_from_today, place):
    return ReceptionDay.objects.create(
        station=station,
        date=timezone.localdate() + datetime.timedelta(days=days_from_today),
        start_time=datetime.time(9),
        end_time=datetime.time(12),
        place=place,
    )


def wall_names(client, query=""):
    html = client.get("/deputies/" + query).content.decode()
    return [chunk.split("</span>")[0] for chunk in html.split('class="deputy-name">')[1:]]


@pytest.mark.django_db
class TestWall:
    def test_residents_first_then_display_order_and_inactive_hidden(self, client, wall, station):
        DeputyFactory(station=station, name="联络员甲", role="liaison", sort_order=0)
        DeputyFactory(station=station, name="驻站乙", role="resident", sort_order=5)
        DeputyFactory(station=station, name="驻站甲", role="resident", sort_order=1)
        DeputyFactory(station=station, name="离任丙", role="resident", is_active=False)
        assert wall_names(client) == ["驻站甲", "驻站乙", "联络员甲"]

    def test_filters_by_level_and_role_and_ignores_unknown_values(self, client, wall, station):
        DeputyFactory(station=station, name="县级", level="county")
        DeputyFactory(station=station, name="乡镇", level="township")
        DeputyFactory(station=station, name="乡镇联络", level="township", role="liaison")
        assert wall_names(client, "?level=township") == ["乡镇", "乡镇联络"]
        assert wall_names(client, "?level=township&role=liaison") == ["乡镇联络"]
        assert len(wall_names(client, "?level=<script>")) == 3

    def test_pages_of_48_keep_the_filter_in_their_links(self, client, wall, station):
        DeputyFactory.create_batch(50, station=station, level="township")
        DeputyFactory(station=station, level="county")
        first = client.get("/deputies/?level=township").content.decode()
        assert 'href="?level=township&amp;page=2"' in first
        assert len(wall_names(client, "?level=township&page=2")) == 2
        assert "page=2" not in client.get("/deputies/?level=county").content.decode()

    def test_query_count_is_the_same_with_5_and_60_deputies(self, client, wall, station):
        def count_queries():
            cache.clear()
            client.get("/deputies/")  # renditions are created on first view
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/deputies/").status_code == 200
            return len(queries)

        DeputyFactory.create_batch(5, station=station)
        few = count_queries()
        DeputyFactory.create_batch(55, station=station)
        many = count_queries()
        assert len(wall_names(client)) == 48  # paged (deputies.pages.DEPUTIES_PER_PAGE)
        assert len(wall_names(client, "?page=2")) == 12
        assert few == many
        assert few <= 12


@pytest.mark.django_db
class TestProfile:
    def test_shows_public_facts_qr_pairings_and_next_reception_days(self, client, wall, station):
        deputy = DeputyFactory(
            station=station,
            name="陈晓梅",
            office_phone="0796-5550101",
            work_unit="云溪电子",
            bio="服务企业",
        )
        Pairing.objects.create(deputy=deputy, enterprise=EnterpriseFactory(name="云溪恒通电子"))
        soon = reception_day(station, 3, "接待室")
        soon.deputies.add(deputy)
        soon.save()
        past = reception_day(station, -3, "旧接待室")
        past.deputies.add(deputy)
        past.save()
        html = client.get(f"/deputies/{deputy.pk}/").content.decode()
        for text in (
            "陈晓梅",
            "0796-5550101",
            "云溪电子",
            "服务企业",
            "云溪恒通电子",
            "接待室",
            f'href="/q/{deputy.qr_token}/"',
            f"/q/{deputy.qr_token}/qr.svg",
        ):
            assert text in html
        assert "旧接待室" not in html
        assert "13900001234" not in html  # the enterprise contact phone is private

    def test_inactive_deputy_profile_says_so_politely(self, client, wall, station):
        deputy = DeputyFactory(station=station, name="离任代表", is_active=False)
        html = client.get(f"/deputies/{deputy.pk}/").content.decode()
        assert "不再在本联络站" in html and 'href="/submit/"' in html

    def test_unknown_deputy_is_404(self, client, wall):
        assert client.get("/deputies/999999/").status_code == 404


@pytest.mark.django_db
class TestQRLinks:
    def test_qr_entry_is_addressed_to_the_deputy_or_the_station(self, client, home_page, station):
        deputy = DeputyFactory(station=station, name="周国强")
        assert "周国强" in client.get(deputy.qr_path).content.decode()
        assert station.name in client.get(station.qr_path).content.decode()

    def test_inactive_deputys_link_still_works_and_offers_the_station_form(
        self, client, home_page, station
    ):
        deputy = DeputyFactory(station=station, name="离任代表", is_active=False)
        response = client.get(deputy.qr_path)
        assert response.status_code == 200
        assert "不再在本联络站" in response.content.decode()
        assert 'href="/submit/"' in response.content.decode()

    def test_unknown_token_is_a_friendly_404(self, client, home_page):
        response = client.get("/q/not-a-token/")
        assert response.status_code == 404
        assert 'href="/submit/"' in response.content.decode()

    def test_tokens_are_random_unique_and_not_the_id_or_name(self, station):
        deputies = DeputyFactory.create_batch(20, station=station)
        tokens = {d.qr_token for d in deputies} | {station.qr_token}
        assert len(tokens) == 21
        for deputy in deputies:
            assert len(deputy.qr_token) >= 12
            assert str(deputy.pk) != deputy.qr_token and deputy.name not in deputy.qr_token

    def test_png_decodes_to_the_absolute_url_from_the_configured_base(
        self, client, station, settings
    ):
        settings.WAGTAILADMIN_BASE_URL = "https://station.example.gov.cn"
        deputy = DeputyFactory(station=station)
        response = client.get(f"/q/{deputy.qr_token}/qr.png", HTTP_HOST="evil.example.com")
        assert response["Content-Type"] == "image/png"
        decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.content)))
        assert [code.text for code in decoded] == [
            f"https://station.example.gov.cn/q/{deputy.qr_token}/"
        ]

    def test_svg_is_served_with_etag_and_cache_headers_and_answers_304(self, client, station):
        deputy = DeputyFactory(station=station)
        url = f"/q/{deputy.qr_token}/qr.svg"
        response = client.get(url)
        assert response["Content-Type"] == "image/svg+xml"
        assert b"<svg" in response.content
        assert "max-age" in response["Cache-Control"]
        again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        listed = client.get(url, HTTP_IF_NONE_MATCH=f'"stale", {response["ETag"]}')
        assert listed.status_code == 304
        changed = client.get(url, HTTP_IF_NONE_MATCH='"stale"')
        assert changed.status_code == 200 and b"<svg" in changed.content

    def test_token_survives_renaming_and_moving_the_wall(self, client, wall, station):
        deputy = DeputyFactory(station=station, name="林建华")
        token = deputy.qr_token
        wall.title, wall.slug = "人大代表", "renmin-daibiao"
        wall.save_revision().publish()
        deputy.refresh_from_db()
        assert deputy.qr_token == token
        assert "林建华" in client.get(f"/q/{token}/").content.decode()
        assert client.get(f"/renmin-daibiao/{deputy.pk}/").status_code == 200


@pytest.mark.django_db
class TestRotation:
    def test_administrator_rotates_a_token_the_old_link_dies_and_it_is_logged(
        self, admin_client, station
    ):
        deputy = DeputyFactory(station=station)
        old = deputy.qr_token
        url = f"/admin/deputies/rotate/deputy/{deputy.pk}/"
        assert admin_client.get(url).status_code == 200  # confirmation first
        deputy.refresh_from_db()
        assert deputy.qr_token == old
        admin_client.post(url)
        deputy.refresh_from_db()
        assert deputy.qr_token != old
        assert admin_client.get(f"/q/{old}/").status_code == 404
        assert admin_client.get(f"/q/{deputy.qr_token}/").status_code == 200
        entry = ModelLogEntry.objects.get(action="deputies.rotate_qr_token")
        assert entry.object_id == str(deputy.pk) and entry.user.username == "boss"

    def test_unknown_kind_of_token_holder_is_404(self, admin_client, station):
        assert (
            admin_client.post(f"/admin/deputies/rotate/enterprise/{station.pk}/").status_code == 404
        )
        old = station.qr_token
        station.refresh_from_db()
        assert station.qr_token == old

    def test_an_editor_without_the_permission_cannot_rotate(self, client, station):
        editor = get_user_model().objects.create_user("editor", password="pw")
        group = Group.objects.create(name="海报打印员")
        group.permissions.add(
            Permission.objects.get(codename="access_admin"),
            Permission.objects.get(codename="view_deputy"),
        )
        editor.groups.add(group)
        client.force_login(editor)
        deputy = DeputyFactory(station=station)
        old = deputy.qr_token
        response = client.post(f"/admin/deputies/rotate/deputy/{deputy.pk}/")
        assert (
            response.status_code == 302 and response["Location"] == "/admin/"
        )  # Wagtail's refusal
        deputy.refresh_from_db()
        assert deputy.qr_token == old
        assert client.get(f"/admin/deputies/posters/{deputy.pk}/").status_code == 200


@pytest.mark.django_db
class TestPostersAndAdmin:
    def test_posters_show_the_code_name_and_station_phone(self, admin_client, station, home_page):
        station.phone = "0796-5550123"
        station.save()
        deputies = DeputyFactory.create_batch(3, station=station)
        html = admin_client.get(f"/admin/deputies/posters/{deputies[0].pk}/").content.decode()
        assert deputies[0].name in html and f"/q/{deputies[0].qr_token}/qr.svg" in html
        assert '<link rel="stylesheet" href="/static/css/poster.css">' in html
        assert "0796-5550123" in html and "扫码向我反映问题" in html
        sheet = admin_client.get("/admin/deputies/posters/sheet/").content.decode()
        assert all(f"/q/{d.qr_token}/qr.svg" in sheet for d in deputies)
        own = admin_client.get("/admin/deputies/posters/station/").content.decode()
        assert f"/q/{station.qr_token}/qr.svg" in own

    def test_deputy_listing_offers_poster_and_rotation(self, admin_client, station):
        deputy = DeputyFactory(station=station)
        html = admin_client.get("/admin/snippets/deputies/deputy/").content.decode()
        assert f"/admin/deputies/posters/{deputy.pk}/" in html
        assert f"/admin/deputies/rotate/deputy/{deputy.pk}/" in html

    def test_credit_code_typed_in_lower_case_is_saved_upper_case(self, admin_client):
        from deputies.models import Enterprise
        from tests.factories import valid_credit_code

        code = valid_credit_code(1)  # ends in a letter, so case matters
        assert code[-1].isalpha()
        response = admin_client.post(
            "/admin/snippets/deputies/enterprise/add/",
            {
                "name": "云溪小写企业",
                "credit_code": f"  {code.lower()} ",
                "is_active": "on",
            },
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert Enterprise.objects.get(name="云溪小写企业").credit_code == code

    def test_office_phone_refuses_a_mobile_in_the_admin(self, admin_client, station):
        response = admin_client.post(
            "/admin/snippets/deputies/deputy/add/",
            {
                "name": "新代表",
                "level": "county",
                "role": "resident",
                "office_phone": "13907961234",
                "is_active": "on",
                "station": station.pk,
                "sort_order": 0,
                "pairings-TOTAL_FORMS": 0,
                "pairings-INITIAL_FORMS": 0,
                "pairings-MIN_NUM_FORMS": 0,
                "pairings-MAX_NUM_FORMS": 1000,
            },
        )
        assert response.status_code == 200
        assert "个人手机号" in response.content.decode()
        assert not Deputy.objects.filter(name="新代表").exists()

    def test_reception_day_with_fewer_than_three_deputies_warns_but_saves(
        self, admin_client, station
    ):
        deputies = DeputyFactory.create_batch(2, station=station)
        response = admin_client.post(
            "/admin/snippets/deputies/receptionday/add/",
            {
                "kind": "reception",
                "date": "2027-01-10",
                "start_time": "09:00",
                "end_time": "12:00",
                "place": "接待室",
                "theme": "",
                "deputies": [d.pk for d in deputies],
                "staff_on_duty": "李静",
                "station": station.pk,
            },
            follow=True,
        )
        assert ReceptionDay.objects.filter(date="2027-01-10").count() == 1
        assert "至少3名" in response.content.decode()

    def test_reception_day_end_before_start_is_refused(self, admin_client, station):
        response = admin_client.post(
            "/admin/snippets/deputies/receptionday/add/",
            {
                "kind": "duty",
                "date": "2027-01-11",
                "start_time": "12:00",
                "end_time": "09:00",
                "place": "办公室",
                "station": station.pk,
            },
        )
        assert response.status_code == 200
        assert not ReceptionDay.objects.exists()

    def test_enterprise_listing_query_count_does_not_grow_with_enterprises(
        self, admin_client, station
    ):
        def queries_for_listing():
            with CaptureQueriesContext(connection) as queries:
                assert admin_client.get("/admin/snippets/deputies/enterprise/").status_code == 200
            return len(queries)

        deputy = DeputyFactory(station=station)
        for enterprise in EnterpriseFactory.create_batch(3):
            Pairing.objects.create(deputy=deputy, enterprise=enterprise)
        admin_client.get("/admin/snippets/deputies/enterprise/")  # warm per-session caches
        few = queries_for_listing()
        for enterprise in EnterpriseFactory.create_batch(17):
            Pairing.objects.create(deputy=deputy, enterprise=enterprise)
        assert few == queries_for_listing()

    def test_enterprise_export_is_an_xlsx_with_chinese_headings(self, admin_client):
        import openpyxl

        EnterpriseFactory.create_batch(3)
        response = admin_client.get("/admin/snippets/deputies/enterprise/?export=xlsx")
        content = b"".join(response.streaming_content) if response.streaming else response.content
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        assert [c.value for c in sheet[1]][:2] == ["企业名称", "统一社会信用代码"]
        assert sheet.max_row == 4


@pytest.mark.django_db
def test_reception_page_lists_upcoming_days_by_month_and_drops_past_ones(
    client, home_page, station
):
    home_page.add_child(instance=ReceptionPage(title="接待日", slug="reception"))
    for offset, place in ((-1, "昨天的接待室"), (2, "近期接待室"), (40, "下月接待室")):
        reception_day(station, offset, place)
    html = client.get("/reception/").content.decode()
    assert "近期接待室" in html and "下月接待室" in html and "昨天的接待室" not in html
    assert html.count('class="reception-month"') >= 1


@pytest.mark.django_db
def test_home_page_shows_next_reception_days(client, home_page, station):
    day = reception_day(station, 1, "代表接待室")
    assert day.place in client.get("/").content.decode()


@pytest.mark.django_db
def test_import_view_reports_good_and_bad_rows_and_keeps_bad_files_out(admin_client):
    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    from deputies.models import Enterprise
    from tests.factories import valid_credit_code

    book = openpyxl.Workbook()
    book.active.append(
        ["企业名称", "统一社会信用代码", "地址", "行业", "重点企业", "联系人", "联系电话"]
    )
    book.active.append(
        ["云溪甲企业", valid_credit_code(1), "园区大道1号", "电子", "是", "张经理", "13900000001"]
    )
    book.active.append(["云溪乙企业", "91369999000000012X", "", "", "否", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("企业.xlsx", buffer.getvalue())
    html = admin_client.post(
        "/admin/deputies/enterprises/import/", {"file": upload}
    ).content.decode()
    assert "新增 1 家企业" in html and "第 3 行" in html
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["云溪甲企业"]

    fake = SimpleUploadedFile("假的.xlsx", b"not a workbook at all")
    html = admin_client.post("/admin/deputies/enterprises/import/", {"file": fake}).content.decode()
    assert "这不是 Excel 工作簿" in html
    assert Enterprise.objects.count() == 1


# --------------------------------------------------------------------------------------------
# Issue 13: profiles are revisioned; the public sees only what was published.

DEPUTY_ADMIN = "/admin/snippets/deputies/deputy/"


def deputy_form(deputy=None, **changes):
    """The deputy form as the admin posts it, from the deputy's current values."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data

    values = {
        "name": deputy.name if deputy else "",
        "level": deputy.level if deputy else "county",
        "role": deputy.role if deputy else "resident",
        "delegation": "",
        "occupation": "",
        "work_unit": deputy.work_unit if deputy else "",
        "bio": "",
        "office_phone": "",
        "is_active": "on",
        "pairings": inline_formset([]),
    }
    values.update(changes)
    return nested_form_data(values)


def publish(form):
    return {**form, "action-publish": "action-publish"}


def history_rows(client, deputy):
    """The entries of a deputy's history listing as text, newest first, and the listing HTML."""
    import re

    html = client.get(f"{DEPUTY_ADMIN}history/{deputy.pk}/").content.decode()
    body = html.split('<div id="listing-results">', 1)[1].split("</table>", 1)[0]
    body = body.split("<tbody>", 1)[1]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows], body


@pytest.fixture
def public():
    """An anonymous visitor, apart from the logged-in admin (whose flash messages name drafts)."""
    from django.test import Client

    return Client()


@pytest.mark.django_db
class TestRevisionedProfiles:
    def test_an_edit_is_a_draft_until_published_and_the_history_lists_both(
        self, admin_client, public, wall, station
    ):
        deputy = DeputyFactory(station=station, name="王建国")
        edit = f"{DEPUTY_ADMIN}edit/{deputy.pk}/"

        response = admin_client.post(edit, deputy_form(deputy, name="王建国（草稿）"))
        assert response.status_code == 302, response.content.decode()[-2000:]
        deputy.refresh_from_db()
        assert deputy.name == "王建国" and deputy.has_unpublished_changes
        assert wall_names(public) == ["王建国"]
        assert "王建国（草稿）" not in public.get(f"/deputies/{deputy.pk}/").content.decode()
        assert "王建国（草稿）" not in public.get(deputy.qr_path).content.decode()

        response = admin_client.post(edit, publish(deputy_form(deputy, name="王建国（新）")))
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert wall_names(public) == ["王建国（新）"]
        assert "王建国（新）" in public.get(f"/deputies/{deputy.pk}/").content.decode()
        assert "王建国（新）" in public.get(deputy.qr_path).content.decode()

        deputy.refresh_from_db()
        revisions = list(deputy.revisions.order_by("created_at", "pk"))
        assert [r.content["name"] for r in revisions] == ["王建国（草稿）", "王建国（新）"]
        assert deputy.live_revision == revisions[-1] and not deputy.has_unpublished_changes
        rows, history = history_rows(admin_client, deputy)
        assert rows[0].startswith("已发布") and rows[-1].startswith("已编辑")  # newest first
        for revision in revisions:
            assert f"/history/{deputy.pk}/revisions/{revision.pk}/view/" in history
        draft, published = revisions
        old = admin_client.get(f"{DEPUTY_ADMIN}history/{deputy.pk}/revisions/{draft.pk}/view/")
        assert old.status_code == 200 and "王建国（草稿）" in old.content.decode()
        compare = admin_client.get(
            f"{DEPUTY_ADMIN}history/{deputy.pk}/revisions/compare/{draft.pk}...{published.pk}/"
        ).content.decode()
        assert '<span class="deletion">草稿）</span>' in compare
        assert '<span class="addition">新）</span>' in compare

    def test_a_new_deputy_stays_off_the_wall_until_published(
        self, admin_client, public, wall, station
    ):
        response = admin_client.post(f"{DEPUTY_ADMIN}add/", deputy_form(name="新来的代表"))
        assert response.status_code == 302, response.content.decode()[-2000:]
        deputy = Deputy.objects.get(name="新来的代表")
        assert not deputy.live and deputy.station == station
        assert wall_names(public) == []
        assert public.get(f"/deputies/{deputy.pk}/").status_code == 404

        admin_client.post(f"{DEPUTY_ADMIN}edit/{deputy.pk}/", publish(deputy_form(deputy)))
        assert wall_names(public) == ["新来的代表"]
        assert public.get(f"/deputies/{deputy.pk}/").status_code == 200

    def test_the_qr_entry_follows_is_active_not_publication(self, admin_client, public, station):
        """Printed posters must never break while the deputy serves: the QR entry opens the
        form for an active deputy whether or not the profile is published (a profile taken
        off the wall to replace a photo, or one not yet published); an inactive deputy's
        poster sends the visitor to the station."""
        unpublished = DeputyFactory(station=station, name="未发布代表", live=False)
        response = public.get(unpublished.qr_path)
        assert response.status_code == 200 and 'name="title"' in response.content.decode()

        withdrawn = DeputyFactory(station=station, name="撤下代表")
        admin_client.post(f"{DEPUTY_ADMIN}unpublish/{withdrawn.pk}/")
        withdrawn.refresh_from_db()
        assert not withdrawn.live
        response = public.get(withdrawn.qr_path)
        assert response.status_code == 200 and "撤下代表" in response.content.decode()

        gone = DeputyFactory(station=station, name="离任未发布", is_active=False, live=False)
        assert "不再在本联络站" in public.get(gone.qr_path).content.decode()

    def test_unpublished_deputies_are_left_off_the_reception_roster(
        self, public, home_page, station
    ):
        home_page.add_child(instance=ReceptionPage(title="接待日", slug="reception"))
        day = reception_day(station, 2, "接待室")
        day.deputies.add(
            DeputyFactory(station=station, name="值班代表"),
            DeputyFactory(station=station, name="草稿代表", live=False),
        )
        day.save()
        html = public.get("/reception/").content.decode()
        assert "值班代表" in html and "草稿代表" not in html

    def test_publishing_an_older_draft_keeps_the_rotated_token_and_the_wall_order(
        self, admin_client, public, wall, station
    ):
        deputy = DeputyFactory(station=station, name="林代表", sort_order=1)
        DeputyFactory(station=station, name="排第二", sort_order=2)
        edit = f"{DEPUTY_ADMIN}edit/{deputy.pk}/"
        admin_client.post(edit, deputy_form(deputy, bio="草稿简介"))
        old = deputy.qr_token
        admin_client.post(f"/admin/deputies/rotate/deputy/{deputy.pk}/")
        Deputy.objects.filter(pk=deputy.pk).update(sort_order=3)
        draft = deputy.revisions.get()
        response = admin_client.post(
            f"{DEPUTY_ADMIN}history/{deputy.pk}/revisions/{draft.pk}/revert/",
            publish(deputy_form(deputy, bio="草稿简介")),
        )
        assert response.status_code == 302, response.content.decode()[-2000:]
        deputy.refresh_from_db()
        assert deputy.bio == "草稿简介" and deputy.live
        assert deputy.qr_token != old and deputy.sort_order == 3
        assert public.get(f"/q/{old}/").status_code == 404
        assert public.get(deputy.qr_path).status_code == 200
        assert wall_names(public) == ["排第二", "林代表"]

    def test_the_preview_shows_the_draft_as_the_public_profile(self, admin_client, wall, station):
        deputy = DeputyFactory(station=station, name="预览代表")
        url = f"{DEPUTY_ADMIN}preview/{deputy.pk}/"
        response = admin_client.post(url, deputy_form(deputy, bio="还没发布的简介"))
        assert response.json()["is_valid"]
        html = admin_client.get(url).content.decode()
        assert "还没发布的简介" in html and 'id="deputy-name"' in html

    def test_existing_deputies_get_published_with_a_first_revision(
        self, admin_client, wall, station
    ):
        import importlib

        from django.apps import apps

        migration = importlib.import_module(
            "deputies.migrations.0004_deputies_live_with_first_revision"
        )
        deputy = DeputyFactory(station=station, name="迁移前的代表")
        Pairing.objects.create(deputy=deputy, enterprise=EnterpriseFactory(name="结对企业"))
        migration.publish_existing_deputies(apps, None)
        migration.publish_existing_deputies(apps, None)  # only once per deputy

        deputy.refresh_from_db()
        assert deputy.live and deputy.first_published_at and not deputy.has_unpublished_changes
        revision = deputy.revisions.get()
        assert deputy.latest_revision == deputy.live_revision == revision
        restored = revision.as_object()
        assert restored.name == "迁移前的代表"
        assert [p.enterprise.name for p in restored.pairings.all()] == ["结对企业"]
        rows, _html = history_rows(admin_client, deputy)
        assert len(rows) == 1 and rows[0].startswith("已发布")


@pytest.mark.django_db
def test_demo_deputies_are_published_on_the_wall(demo, client):
    assert not Deputy.objects.filter(live=False).exists()
    active = Deputy.objects.filter(is_active=True).count()
    assert active and len(wall_names(client)) == active
