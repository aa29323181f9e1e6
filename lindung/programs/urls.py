from django.urls import path

from lindung.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="program_list"),
    path("new/", views.program_form, name="program_create"),
    path("<int:program_id>/", views.program_detail, name="program_detail"),
    path("<int:program_id>/edit/", views.program_form, name="program_edit"),
    path("<int:program_id>/rates/new/", views.rate_add, name="rate_add"),
    path(
        "<int:program_id>/rates/<int:rate_version_id>/withdraw/",
        views.rate_withdraw,
        name="rate_withdraw",
    ),
    path("<int:program_id>/shares/", views.shares_edit, name="shares_edit"),
    path("funders/", views.funding_source_list, name="funding_source_list"),
    path("funders/new/", views.funding_source_form, name="funding_source_create"),
    path(
        "funders/<int:funding_source_id>/",
        views.funding_source_detail,
        name="funding_source_detail",
    ),
    path(
        "funders/<int:funding_source_id>/edit/",
        views.funding_source_form,
        name="funding_source_edit",
    ),
]
