from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoppConfig(AppConfig):
    name = "copp"
    verbose_name = _("Centre")

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import IdConverter, TokenConverter

        # Before any URLconf is read: the apps' URLs use <id:...> and <token:...>.
        register_converter(IdConverter, "id")
        register_converter(TokenConverter, "token")
