"""Rich text links to pages, through the visibility rule.

Wagtail's page link handler links to any page by id, live or not, so a paragraph that links to
a draft or expired page would print its slug in the HTML and in the API's rich text. This
handler links only to the visible version of the page (in the active language, else English);
a link to a page the public may not see keeps its text and loses its address (`<a>`).
"""

from django.utils import translation
from django.utils.html import escape

from wagtail.rich_text.pages import PageLinkHandler

from cms.visibility import version_key, visible_version_map


class VisiblePageLinkHandler(PageLinkHandler):
    @classmethod
    def expand_db_attributes_many(cls, attrs_list):
        pages = cls.get_many(attrs_list)
        best = visible_version_map(
            [page for page in pages if page is not None], translation.get_language()
        )
        tags = []
        for page in pages:
            target = best.get(version_key(page)) if page is not None else None
            tags.append(f'<a href="{escape(target.url)}">' if target else "<a>")
        return tags
