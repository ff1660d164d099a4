from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self) -> None:
        from programs.selectors import register_seat_annotation

        from .seats import annotate_quota_seats, annotate_seats, count_cohorts_seats

        register_seat_annotation(
            annotate_seats, annotate_quota_seats, counter=count_cohorts_seats
        )
