"""What the learning pages' menu offers a person: only links that lead somewhere for them."""

from __future__ import annotations

from django import template

from hocvuso.core import roles as R
from hocvuso.orgunits.selectors import scope_paths

register = template.Library()


@register.simple_tag(takes_context=True)
def may_edit_units(context: template.Context) -> bool:
    """Whether the signed-in person holds an editing role on some unit (memoised per
    request by ``scope_paths``)."""
    user = context["request"].user
    paths = scope_paths(user, R.EDIT_UNITS)
    return paths is None or bool(paths)
