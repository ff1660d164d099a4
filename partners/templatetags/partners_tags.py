from django import template

from partners.selectors import partners_of_program

register = template.Library()


@register.inclusion_tag("partners/_program_partners.html")
def program_partners(program) -> dict:
    """The partners of a program, on its page."""
    return {"partners": partners_of_program(program)}
