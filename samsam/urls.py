from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from ads import views as ads_views
from samsam.api import json_not_found
from samsam.health import healthz

api_v1 = [
    path("", include("accounts.api_urls")),
    path("", include("ads.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("ads.escalation.api_urls")),
    path("", include("ads.moderation.api_urls")),
]

urlpatterns = [
    # First: API calls are the most frequent requests, and Django tries patterns in order
    # (no other pattern starts with api/v1/, so the order changes nothing else).
    path("api/v1/", include(api_v1)),
    path("", ads_views.home, name="home"),
    path("", include("ads.urls")),
    path("account/", include("accounts.urls")),
    path("meldingen/", include("notifications.urls")),
    path("partner/", include("ads.escalation.urls")),
    path("moderatie/", include("ads.moderation.urls")),
    path("coordinatie/", include("accounts.urls_places")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Split view, Swagger UI served from this site (sidecar): fits the CSP without 'unsafe-inline'.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("healthz", healthz, name="healthz"),
]


def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    # API clients get JSON, the same body as a 404 from inside a view.
    if request.path.startswith("/api/"):
        return json_not_found(request, exception)
    return defaults.page_not_found(request, exception)


if settings.DEBUG:
    admin.site.site_header = "SamSam"
