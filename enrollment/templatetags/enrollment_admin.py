from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode

from enrollment.selectors import cohorts_at_risk as at_risk

register = template.Library()


@register.simple_tag
def cohorts_at_risk(limit: int = 20) -> list:
    """Open groups starting within 14 days below their minimum size."""
    return list(at_risk()[:limit])


@register.simple_tag
def work_queue() -> list:
    """How many applications wait in each of the day's queues."""
    from enrollment.worksheet import work_queue as queues

    return queues()


@register.tag(name="large_list_date_hierarchy")
def large_list_date_hierarchy(parser, token) -> InclusionAdminNode:
    """The date drill-down of a list that may hold a million rows
    (``enrollment.admin.listing.date_hierarchy``), in the admin's template."""
    from enrollment.admin.listing import date_hierarchy

    return InclusionAdminNode(
        parser,
        token,
        func=date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )
