"""Preview tokens: a signed, expiring reference to one revision of one page.

The admin hands a token to the frontend; `page(path:, previewToken:)` then serves that
revision, draft or not. Tokens expire after PREVIEW_TOKEN_MAX_AGE seconds (default an hour).
"""

from django.conf import settings
from django.core import signing

from wagtail.models import Page, Revision

from cms.graphql.errors import BadUserInput

SALT = "pages.preview"


def make_token(page):
    revision = page.latest_revision or page.save_revision()
    return signing.dumps({"page": page.pk, "revision": revision.pk}, salt=SALT)


def page_for_token(token, path=None):
    try:
        data = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise BadUserInput("The preview token has expired.", argument="previewToken") from None
    except signing.BadSignature:
        raise BadUserInput("The preview token is not valid.", argument="previewToken") from None
    revision = Revision.page_revisions.filter(
        pk=data["revision"], object_id=str(data["page"])
    ).first()
    if revision is None or not Page.objects.filter(pk=data["page"]).exists():
        return None
    return revision.as_object()
