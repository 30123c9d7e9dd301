"""Template filters and tags that put what a template prints through the visibility rule.

`{{ rows|visible_for:page }}` is the list of rows (pages, directory records) the public may
see, each in the language of `page` (the page or record being rendered) with the English
fallback; `{{ row|visible_one_for:page }}` is one row or None. A block, which may be rendered
without its page, uses `{% visible_version row as name %}`: the language of the `page` or
`object` in its context, else the active language. A template prints a relation or links to a
page only through these, so neither public HTML nor an admin preview shows a draft, expired or
restricted item (see cms/visibility.py).
"""

from django import template
from django.utils import translation

from cms.visibility import visible_version as _visible_version
from cms.visibility import visible_versions

register = template.Library()


def _language(owner):
    locale = getattr(owner, "locale", None)
    return locale.language_code if locale else translation.get_language()


@register.filter
def visible_for(rows, owner):
    return visible_versions(rows or [], _language(owner))


@register.filter
def visible_one_for(row, owner):
    return _visible_version(row, _language(owner)) if row else None


@register.simple_tag(takes_context=True)
def visible_version(context, row):
    owner = context.get("page") or context.get("object")
    return _visible_version(row, _language(owner)) if row else None
