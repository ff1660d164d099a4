"""The back office's admin site: its names, and lists that take the whole
width of the window (the menu of sections stays on the other pages)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class BackOfficeSite(admin.AdminSite):
    site_header = _("Centre for advanced professional training: back office")
    site_title = _("Back office")
    index_title = _("Intake and catalog")

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        match = request.resolver_match
        if match is not None and (match.url_name or "").endswith("_changelist"):
            context["is_nav_sidebar_enabled"] = False
        return context


class BackOfficeAdminConfig(AdminConfig):
    """Django's admin, with the back office's own site as the default one."""

    default_site = "copp.admin_site.BackOfficeSite"
