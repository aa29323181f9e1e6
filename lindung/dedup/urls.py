from django.urls import path

from lindung.dedup import views

app_name = "dedup"
urlpatterns = [
    path("", views.case_queue, name="queue"),
    path("runs/", views.run_start, name="run_start"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/merge/", views.case_merge, name="merge"),
    path("<int:case_id>/different/", views.case_different, name="different"),
    path("<int:case_id>/undo/", views.case_undo, name="undo"),
    path("<int:case_id>/separate/", views.case_separate, name="separate"),
    path(
        "<int:case_id>/reveal/<int:worker_id>/<str:field>/",
        views.case_reveal,
        name="reveal",
    ),
]
