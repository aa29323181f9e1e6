from django.urls import path, re_path

from lindung.registry import sector_views
from lindung.registry.views import detail, edit, lists

app_name = "registry"

urlpatterns = [
    path("", lists.worker_list, name="worker_list"),
    re_path(r"^export\.(?P<file_format>csv|xlsx)$", lists.worker_export, name="worker_export"),
    path("new/", edit.worker_create, name="worker_create"),
    path("check-nik/", edit.worker_check_nik, name="worker_check_nik"),
    path("check-duplicates/", edit.worker_check_duplicates, name="worker_check_duplicates"),
    path("<int:worker_id>/", detail.worker_detail, name="worker_detail"),
    path("<int:worker_id>/edit/", edit.worker_edit, name="worker_edit"),
    path("<int:worker_id>/status/", detail.worker_status, name="worker_status"),
    path("<int:worker_id>/reveal/<str:field>/", detail.worker_reveal, name="worker_reveal"),
    path("sectors/", sector_views.sector_list, name="sector_list"),
    path("sectors/<int:sector_id>/", sector_views.sector_edit, name="sector_edit"),
    path(
        "occupations/<int:occupation_id>/delete/",
        sector_views.occupation_delete,
        name="occupation_delete",
    ),
]
