from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.cache import cache_page

from core import urls as core_urls
from enrollment import urls as enrollment_urls

from . import accessibility, views
from .sitemaps import SITEMAPS

handler404 = "copp.views.page_not_found"
handler500 = "copp.views.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", views.healthz, name="healthz"),
    path(
        "",
        include(
            (enrollment_urls.staff_urlpatterns + core_urls.staff_urlpatterns, "staff")
        ),
    ),
    path("robots.txt", views.robots_txt, name="robots"),
    # Browsers and crawlers ask for it at the root whatever the page says.
    path("favicon.ico", views.favicon, name="favicon"),
    path(
        "sitemap.xml",
        cache_page(60 * 15)(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
]

# Russian pages live at the root, English ones under /en/.
urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("accessibility/", accessibility.choose, name="accessibility"),
    path("programs/", include("programs.urls")),
    path("partners/", include("partners.urls")),
    path(
        "reports/",
        include(
            (
                [
                    path("", views.reports_dashboard, name="dashboard"),
                    path(
                        "subscriptions/",
                        views.report_subscriptions,
                        name="subscriptions",
                    ),
                ],
                "reports",
            )
        ),
    ),
    path("", include("enrollment.urls")),
    prefix_default_language=False,
)
