from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnrollmentConfig(AppConfig):
    name = "enrollment"
    verbose_name = _("Enrollment")

    def ready(self) -> None:
        from programs.selectors import register_seat_counter

        from .selectors import seats_taken_expression

        register_seat_counter(seats_taken_expression)
