"""Directory: social enterprises, support organisations, events, and their vocabularies.

All are Wagtail snippets with drafts, revisions, locking, preview and moderation workflows, and
all are translatable with wagtail-localize.

Relations to vocabulary terms and between entries always point at the rows of the source
locale (English): wagtail-localize copies many-to-many fields to translations unchanged, and we
keep foreign keys the same way (`SynchronizedField`) so that a translation can be published
before its vocabulary is. The API resolves each related row to the best translation for the
requested locale.

The modules, lower first: `base` (what every publishable record shares), `vocabularies`,
`entries` (enterprises and support organisations), `events`, `outreach` (the log of
messages to entries and the alert subscriptions), `search` (the tables PostgreSQL searches).
Import from `directory.models`.
"""

from .base import (
    PublishableQuerySet,
    PublishableSnippet,
    content_language_choices,
    moderation_relations,
    source_locale_only,
)
from .entries import (
    DirectoryEntry,
    SocialEnterprise,
    SupportOrganisation,
    entry_translatable_fields,
)
from .events import Event, EventFormat, EventStatus
from .outreach import AlertSubscription, ContactMessage
from .search import EventSearchRow, SocialEnterpriseSearchRow, SupportOrganisationSearchRow
from .vocabularies import (
    VOCABULARY_MODELS,
    CollaborationTerm,
    EventType,
    RecognisedStatus,
    Sdg,
    Sector,
    SlugVocabulary,
    SupportType,
    TargetGroup,
    Term,
    Topic,
    Vocabulary,
)

__all__ = [
    "AlertSubscription",
    "VOCABULARY_MODELS",
    "CollaborationTerm",
    "ContactMessage",
    "DirectoryEntry",
    "Event",
    "EventFormat",
    "EventSearchRow",
    "EventStatus",
    "EventType",
    "PublishableQuerySet",
    "PublishableSnippet",
    "RecognisedStatus",
    "Sdg",
    "Sector",
    "SlugVocabulary",
    "SocialEnterprise",
    "SocialEnterpriseSearchRow",
    "SupportOrganisation",
    "SupportOrganisationSearchRow",
    "SupportType",
    "TargetGroup",
    "Term",
    "Topic",
    "Vocabulary",
    "content_language_choices",
    "entry_translatable_fields",
    "moderation_relations",
    "source_locale_only",
]
