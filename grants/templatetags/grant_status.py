from django import template

from ..tables import status_badge as render_status_badge

register = template.Library()


@register.simple_tag
def status_badge(status, deadline):
    """A grant's status as a coloured badge; a terminated grant shows its window's end."""
    return render_status_badge(status, deadline)
