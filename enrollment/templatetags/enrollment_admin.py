from django import template

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
