from django.urls import path

from lindung.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.event_list, name="event_list"),
    path("<int:sequence>/", views.event_detail, name="event_detail"),
    path("verify/", views.verify, name="verify"),
    path("verify/status/", views.verification_status, name="verification_status"),
]
