"""Every page type can be created where it belongs, renders, and is editable in the admin."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from deputies.pages import DeputyIndexPage, ReceptionPage
from disclosure.models import (
    DisclosureIndexPage,
    DisclosureNotice,
    KeyIssue,
    KeyIssueIndexPage,
    StatisticsPage,
)
from home.models import (
    HomePage,
    NewsIndexPage,
    NewsPage,
    PrivacyNoticePage,
    ProcessGuidePage,
    RulesPage,
)
from tests.factories import NewsIndexPageFactory, NewsPageFactory


class PageTreeRulesTests(WagtailPageTestCase):
    def setUp(self):
        self.home = HomePage.objects.get(slug="home")
        self.user = get_user_model().objects.create_superuser("editor", password="pw")
        self.client.force_login(self.user)

    def test_home_page_lives_only_at_the_root(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanNotCreateAt(HomePage, HomePage)

    def test_content_pages_live_under_the_home_page(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {
                RulesPage,
                ProcessGuidePage,
                NewsIndexPage,
                PrivacyNoticePage,
                DeputyIndexPage,
                ReceptionPage,
                DisclosureIndexPage,
                KeyIssueIndexPage,
                StatisticsPage,
            },
        )
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedSubpageTypes(DisclosureIndexPage, {DisclosureNotice})
        self.assertAllowedSubpageTypes(KeyIssueIndexPage, {KeyIssue})
        for leaf in (RulesPage, ProcessGuidePage, NewsPage, PrivacyNoticePage):
            self.assertAllowedSubpageTypes(leaf, set())

    def test_rules_page_can_be_created_in_the_admin_with_streamfield_sections(self):
        self.assertCanCreate(
            self.home,
            RulesPage,
            nested_form_data(
                {
                    "title": "制度墙",
                    "slug": "rules-wall",
                    "intro": "联络站工作制度",
                    "body": streamfield(
                        [
                            (
                                "section",
                                {"heading": "联络站简介", "body": rich_text("<p>宗旨</p>")},
                            ),
                        ]
                    ),
                }
            ),
        )
        page = RulesPage.objects.get(slug="rules-wall")
        assert page.body[0].value["heading"] == "联络站简介"

    def test_process_guide_can_be_created_with_numbered_steps(self):
        self.assertCanCreate(
            self.home,
            ProcessGuidePage,
            nested_form_data(
                {
                    "title": "办事流程",
                    "slug": "how-it-works",
                    "intro": "三单闭环",
                    "closing_note": rich_text(""),
                    "steps": streamfield(
                        [
                            (
                                "step",
                                {
                                    "title": "反映问题",
                                    "description": "扫码提交",
                                    "responsible": "企业",
                                    "time_limit": "随时",
                                },
                            ),
                            (
                                "step",
                                {
                                    "title": "办理答复",
                                    "description": "7日内答复",
                                    "responsible": "承办单位",
                                    "time_limit": "7日",
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
        page = ProcessGuidePage.objects.get(slug="how-it-works")
        response = self.client.get(page.url)
        html = response.content.decode()
        assert html.index("反映问题") < html.index("办理答复")
        assert '<ol class="process-steps">' in html

    def test_every_page_type_renders_and_is_editable(self):
        news_index = NewsIndexPageFactory(parent=self.home)
        section = ("section", {"heading": "收集", "body": rich_text("<p>姓名</p>")})
        step = ("step", {"title": "一", "description": "二", "responsible": "", "time_limit": ""})
        rule_list = ("rule_list", {"heading": "制度", "items": streamfield([("item", "一")])})
        cases = [
            (
                self.home,
                {
                    "title": "联络站",
                    "slug": "home",
                    "intro": rich_text("<p>简介</p>"),
                    "submit_heading": "反映问题",
                    "submit_text": "",
                },
            ),
            (
                RulesPage(title="制度墙", slug="r"),
                {
                    "title": "制度墙",
                    "slug": "r",
                    "intro": "",
                    "body": streamfield([rule_list, section]),
                },
            ),
            (
                ProcessGuidePage(title="流程", slug="p"),
                {
                    "title": "流程",
                    "slug": "p",
                    "intro": "",
                    "closing_note": rich_text(""),
                    "steps": streamfield([step]),
                },
            ),
            (
                PrivacyNoticePage(title="告知", slug="privacy"),
                {
                    "title": "告知",
                    "slug": "privacy",
                    "effective_date": "2026-01-01",
                    "body": streamfield([section]),
                },
            ),
        ]
        for page, _ in cases[1:]:
            for field in ("body", "steps"):
                if hasattr(page, field):
                    setattr(page, field, [section if field == "body" else step])
            self.home.add_child(instance=page)
        article = NewsPageFactory(parent=news_index)
        cases += [
            (news_index, {"title": "工作动态", "slug": news_index.slug, "intro": ""}),
            (
                article,
                {
                    "title": article.title,
                    "slug": article.slug,
                    "date": "2026-01-05",
                    "intro": "摘要",
                    "main_image": article.main_image_id,
                    "body": streamfield([("paragraph", rich_text("<p>正文</p>"))]),
                    "gallery_images": inline_formset([]),
                },
            ),
        ]
        for page, data in cases:
            self.assertPageIsRenderable(page)
            self.assertPageIsEditable(page, nested_form_data(data))
            self.assertPageIsPreviewable(page, post_data=nested_form_data(data))


@pytest.mark.django_db
class TestNewsIndex:
    def make_articles(self, home_page, count):
        index = NewsIndexPageFactory(parent=home_page)
        for _ in range(count):
            NewsPageFactory(parent=index)
        return index

    def test_newest_first_and_ten_per_page(self, client, home_page):
        index = self.make_articles(home_page, 12)
        first = client.get(index.url).content.decode()
        assert first.count('class="news-item"') == 10
        assert first.index("第11期") < first.index("第10期")
        second = client.get(index.url + "?page=2").content.decode()
        assert second.count('class="news-item"') == 2

    @pytest.mark.parametrize("page", ["abc", "999", "-1"])
    def test_bad_page_numbers_show_a_real_page(self, client, home_page, page):
        index = self.make_articles(home_page, 3)
        response = client.get(index.url, {"page": page})
        assert response.status_code == 200
        assert response.content.decode().count('class="news-item"') == 3

    def test_query_count_does_not_grow_with_articles(self, client, home_page):
        def queries_for(index):
            client.get(index.url)  # renditions are created on first view
            with CaptureQueriesContext(connection) as queries:
                client.get(index.url)
            return len(queries)

        few = queries_for(self.make_articles(home_page, 3))
        many = queries_for(self.make_articles(home_page, 10))
        assert few == many
        assert few <= 12


@pytest.mark.django_db
def test_home_page_shows_the_submit_button_and_latest_news(client, home_page):
    index = NewsIndexPageFactory(parent=home_page)
    for _ in range(4):
        NewsPageFactory(parent=index)
    html = client.get("/").content.decode()
    assert 'href="/submit/"' in html
    assert "反映问题" in html
    assert html.count('class="news-item"') == 3


@pytest.mark.django_db
def test_navigation_lists_menu_pages_and_marks_the_current_one(client, home_page):
    shown = RulesPage(
        title="制度墙",
        slug="rules",
        show_in_menus=True,
        body=[("rule_list", {"heading": "制度", "items": ["一"]})],
    )
    hidden = RulesPage(
        title="内部制度",
        slug="hidden",
        show_in_menus=False,
        body=[("rule_list", {"heading": "制度", "items": ["一"]})],
    )
    home_page.add_child(instance=shown)
    home_page.add_child(instance=hidden)
    html = client.get("/rules/").content.decode()
    nav = html[html.index('id="main-nav"') : html.index("</nav>")]
    assert 'aria-current="page" href="/rules/"' in nav
    assert "内部制度" not in nav


@pytest.mark.django_db
def test_every_page_has_share_metadata_and_footer_registration(client, home_page):
    from home.models import SiteSettings

    settings = SiteSettings.for_site(home_page.get_site())
    settings.icp_number = "云ICP备20260001号-1"
    settings.police_record_number = "云公网安备 36082802000001号"
    settings.save()
    html = client.get("/").content.decode()
    assert '<html lang="zh-CN">' in html
    assert '<meta property="og:title"' in html
    assert '<meta property="og:url" content="http://testserver/">' in html
    assert "云ICP备20260001号-1" in html
    assert "云公网安备 36082802000001号" in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


@pytest.mark.django_db
def test_the_station_says_who_it_is_on_every_page_from_one_place(client, home_page):
    """Name, address, phone and hours are the Station's alone (the site settings hold none):
    the title, the header, the footer and the home page's visiting box all read them."""
    from deputies.models import Station
    from home.models import SiteSettings
    from tests.factories import StationFactory

    assert not {"station_name", "address", "phone", "opening_hours"} & {
        field.name for field in SiteSettings._meta.get_fields()
    }
    station = StationFactory(
        name="溪口镇人大代表联络站",
        address="溪口镇政府二楼",
        phone="0796-5551234",
        opening_hours="工作日 9:00–17:00",
    )
    assert Station.default() == station
    home = client.get("/").content.decode()
    assert '<span class="masthead-name">溪口镇人大代表联络站</span>' in home
    assert '<meta property="og:site_name" content="溪口镇人大代表联络站">' in home
    footer = home[home.index('<footer class="site-footer">') :]
    for value in ("溪口镇人大代表联络站", "溪口镇政府二楼", "0796-5551234", "工作日 9:00–17:00"):
        assert value in footer
    start = home.index('class="station-contact')
    box = home[start : home.index("</section>", start)]
    assert "溪口镇政府二楼" in box and 'href="tel:0796-5551234"' in box
