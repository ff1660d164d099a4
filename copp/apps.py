from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoppConfig(AppConfig):
    name = "copp"
    verbose_name = _("Centre")

    # The URL converters <id:...> and <token:...> are registered by core.
