from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "lindung.quality"
    label = "quality"
