from django.apps import AppConfig


class EligibilityConfig(AppConfig):
    name = "lindung.eligibility"
    label = "eligibility"
