from django.conf import settings
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from portal import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", home_views.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("favicon.ico", home_views.favicon, name="favicon"),
    path("display/", home_views.display_switch, name="display_switch"),
    path("", include("deputies.urls")),
    path("", include("submissions.urls")),
    path("", include("mycases.urls")),
    # Before Wagtail's admin URLs, so this one answers the same path (see the view).
    path(
        "admin/pages/workflow/preview/<int:page_id>/<int:task_id>/",
        views.PreviewRevisionForTask.as_view(),
        name="portal_workflow_preview",
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's page serving catches everything else, so it comes last.
urlpatterns += [path("", include(wagtail_urls))]
