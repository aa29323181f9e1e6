from django.urls import path

from lindung.enrolment import views, views_files

app_name = "enrolment"

urlpatterns = [
    path("", views.enrolment_list, name="enrolment_list"),
    path("enrol/", views.enrol, name="enrol"),
    path("coverage/", views.coverage_lookup, name="coverage"),
    path("<int:enrolment_id>/", views.enrolment_detail, name="enrolment_detail"),
    path("<int:enrolment_id>/move/<str:action>/", views.enrolment_move, name="enrolment_move"),
    path("<int:enrolment_id>/graduate/", views.enrolment_graduate, name="enrolment_graduate"),
    path("<int:enrolment_id>/kpj/", views.enrolment_reveal_kpj, name="enrolment_reveal_kpj"),
    path(
        "graduations/<int:graduation_id>/letter/",
        views.graduation_letter,
        name="graduation_letter",
    ),
    path("batches/", views_files.batch_list, name="batch_list"),
    path("batches/<int:batch_id>/", views_files.batch_detail, name="batch_detail"),
    path("batches/<int:batch_id>/file/", views_files.batch_file, name="batch_file"),
    path("bpjs/", views_files.bpjs_files, name="bpjs_files"),
    path("bpjs/<int:file_id>/", views_files.bpjs_file_detail, name="bpjs_file_detail"),
    path("bpjs/<int:file_id>/unmatched.csv", views_files.bpjs_file_report, name="bpjs_report"),
]
