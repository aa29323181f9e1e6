from django.urls import path

from lindung.eligibility import views

app_name = "eligibility"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("<int:program_id>/", views.program_eligibility, name="program"),
    path("<int:program_id>/drafts/new/", views.draft_create, name="draft_create"),
    path("<int:program_id>/versions/<int:version_id>/", views.draft_edit, name="draft_edit"),
    path(
        "<int:program_id>/versions/<int:version_id>/preview/",
        views.draft_preview,
        name="draft_preview",
    ),
    path(
        "<int:program_id>/versions/<int:version_id>/adopt/",
        views.draft_adopt,
        name="draft_adopt",
    ),
    path("<int:program_id>/run/", views.run_rules, name="run"),
    path("<int:program_id>/jobs/<int:job_id>/", views.job_status, name="job"),
    path("<int:program_id>/runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path(
        "<int:program_id>/workers/<int:worker_id>/override/",
        views.override_record,
        name="override_record",
    ),
    path(
        "overrides/<int:override_id>/withdraw/",
        views.override_withdraw,
        name="override_withdraw",
    ),
]
