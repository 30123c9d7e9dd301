"""Preview tokens from wagtail-headless-preview, with an expiry.

The admin's "Frontend" preview mode stores the unsaved page as a `PagePreview` and hands the
frontend a signed token; `page(path:, previewToken:)` serves that content. The library keeps
previews for a day and never checks a token's age, so we do: a token older than
PREVIEW_TOKEN_MAX_AGE seconds (default an hour) is refused.
"""

from django.conf import settings
from django.core import signing

from wagtail_headless_preview.models import HeadlessPreviewMixin, PagePreview

from cms.graphql.errors import BadUserInput


def page_for_token(token):
    try:
        HeadlessPreviewMixin.get_preview_signer().unsign(
            token, max_age=settings.PREVIEW_TOKEN_MAX_AGE
        )
    except signing.SignatureExpired:
        raise BadUserInput("The preview token has expired.", argument="previewToken") from None
    except signing.BadSignature:
        raise BadUserInput("The preview token is not valid.", argument="previewToken") from None
    preview = PagePreview.objects.filter(token=token).first()
    return preview.as_page() if preview else None
