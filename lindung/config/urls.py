from django.urls import include, path

from lindung.config.api import api

urlpatterns = [
    path("", include("lindung.core.urls")),
    path("accounts/", include("lindung.accounts.urls")),
    path("workers/", include("lindung.registry.urls")),
    path("audit/", include("lindung.audit.urls")),
    path("imports/", include("lindung.imports.urls")),
    path("duplicates/", include("lindung.dedup.urls")),
    path("quality/", include("lindung.quality.urls")),
    path("programs/", include("lindung.programs.urls")),
    path("enrolments/", include("lindung.enrolment.urls")),
    path("eligibility/", include("lindung.eligibility.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
]
