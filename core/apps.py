from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Plumbing every app may use; it imports no app of the project."""

    name = "core"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter, TokenConverter

        # Before any URLconf is read: the apps' URLs use <id:...> and <token:...>.
        register_converter(IdConverter, "id")
        register_converter(TokenConverter, "token")
