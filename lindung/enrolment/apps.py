from django.apps import AppConfig


class EnrolmentConfig(AppConfig):
    name = "lindung.enrolment"
    label = "enrolment"

    def ready(self) -> None:
        # The budget guard counts members through the enrolments (``programs.budget``).
        from lindung.enrolment.headcounts import EnrolmentHeadcounts
        from lindung.programs.budget import use_member_source

        use_member_source(EnrolmentHeadcounts())
