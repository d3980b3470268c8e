from django import template

from core.backends import role_names as names_of

register = template.Library()


@register.filter
def role_names(user) -> list[str]:
    """`{% for name in user|role_names %}`: the user's roles (core.backends.role_names)."""
    return names_of(user)
