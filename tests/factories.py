"""Factories for test data; tests build what they need instead of loading fixtures."""

import datetime

import factory
import wagtail_factories

from home.models import NewsIndexPage, NewsPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "工作动态"
    slug = factory.Sequence(lambda n: f"news-index-{n}")

    class Meta:
        model = NewsIndexPage


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"联络站工作动态第{n}期")
    slug = factory.Sequence(lambda n: f"article-{n}")
    intro = "代表进站接待企业。"
    date = factory.Sequence(lambda n: datetime.date(2026, 1, 1) + datetime.timedelta(days=n))
    main_image = factory.SubFactory(wagtail_factories.ImageFactory)

    class Meta:
        model = NewsPage
