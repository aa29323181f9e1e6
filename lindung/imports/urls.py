from django.urls import path

from lindung.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.import_list, name="list"),
    path("template.xlsx", views.import_template, name="template"),
    path("<int:job_id>/", views.import_job, name="mapping"),
    path("<int:job_id>/progress/", views.import_progress, name="progress"),
    path("<int:job_id>/sheet/", views.import_sheet, name="sheet"),
    path("<int:job_id>/save/", views.import_save, name="save"),
    path("<int:job_id>/delete/", views.import_delete, name="delete"),
    path("<int:job_id>/report/", views.import_report, name="report"),
]
