from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from programs.models import Program


class StaticSitemap(Sitemap):
    changefreq = "daily"
    i18n = True

    def items(self) -> list[str]:
        return ["home", "programs:list", "partners:list"]

    def location(self, item: str) -> str:
        return reverse(item)


class ProgramSitemap(Sitemap):
    changefreq = "weekly"
    i18n = True

    def items(self):
        return Program.objects.published().order_by("pk")

    def lastmod(self, program: Program):
        return program.updated_at


SITEMAPS = {"static": StaticSitemap, "programs": ProgramSitemap}
