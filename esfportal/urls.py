from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from projects import health

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    # Language-neutral: the API's names and messages follow its `lang` parameter
    path("api/v1/", include("projects.api.urls")),
]
urlpatterns += i18n_patterns(
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("projects.urls")),
    prefix_default_language=False,
)

# A database error that escapes the views (e.g. in a middleware) still gets the 503 page.
handler500 = "projects.health.server_error"
