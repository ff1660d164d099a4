from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for development, the demo site and the benchmarks; installed
    by the local, test and benchmark settings only, never by production."""

    name = "demo"
    verbose_name = "Demo data"
