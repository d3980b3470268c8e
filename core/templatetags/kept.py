"""`{% kept_on_get %}...{% end_kept_on_get %}`: a part of a page rendered once and kept
under the data version (core.data_version.kept) for each address and day, on GET only.

For the entry and edit pages of grants and awards: their fields and installment table,
about 30 fields and a row of two inputs for each installment, took more time to write
than all of the page's SQL. A GET of such a page shows forms built from the address and
the company's data alone (the record's terms and installments, the plans, the defaults),
so the same address shows the same fields until a write changes the data version, or the
day changes. A POST (the forms bound to what was typed, with their errors) is rendered
each time. What belongs to the request is left outside the tag: the CSRF token, the
form's one-time submission token and the messages."""

from django import template
from django.template.base import Node, NodeList, Parser, Token
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from core.data_version import kept

register = template.Library()


class KeptOnGetNode(Node):
    def __init__(self, nodelist: NodeList):
        self.nodelist = nodelist

    def render(self, context) -> SafeString:
        request = context.get("request")
        if request is None or request.method != "GET":
            return self.nodelist.render(context)
        day = timezone.localdate().isoformat()
        key = f"fragment\n{self.origin.name}\n{day}\n{request.get_full_path()}"
        return mark_safe(kept(key, lambda: str(self.nodelist.render(context))))


@register.tag
def kept_on_get(parser: Parser, token: Token) -> KeptOnGetNode:
    if len(token.split_contents()) != 1:
        raise template.TemplateSyntaxError("kept_on_get takes no arguments.")
    nodelist = parser.parse(("end_kept_on_get",))
    parser.delete_first_token()
    return KeptOnGetNode(nodelist)
