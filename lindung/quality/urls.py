from django.urls import path, re_path

from lindung.quality import views

app_name = "quality"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:code>/", views.worklist, name="worklist"),
    re_path(
        r"^(?P<code>[\w-]+)/export\.(?P<file_format>csv|xlsx)$",
        views.worklist_export,
        name="worklist_export",
    ),
]
