from django.urls import path

app_name = "dedup"
urlpatterns: list = []
