"""What every directory model shares: relations to English rows, and drafts, revisions,
locking, preview, moderation and translation (`PublishableSnippet`)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
    WorkflowMixin,
)
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from cms.visibility import published_record


def source_locale_only():
    """Choices for relations: the English rows only (see the module docstring)."""
    return {"locale__language_code": settings.LANGUAGE_CODE}


def content_language_choices():
    return list(settings.WAGTAIL_CONTENT_LANGUAGES)


# Publishable content -----------------------------------------------------------------------


def moderation_relations(query_name):
    """The revisions and workflow states of a snippet model (as Wagtail's docs declare them)."""
    revisions = GenericRelation("wagtailcore.Revision", related_query_name=query_name)
    workflow_states = GenericRelation(
        "wagtailcore.WorkflowState",
        content_type_field="base_content_type",
        object_id_field="object_id",
        related_query_name=query_name,
        for_concrete_model=False,
    )
    return revisions, workflow_states


class PublishableQuerySet(SearchableQuerySetMixin, models.QuerySet):
    def public(self):
        """The records the public may see: `cms.visibility`'s rule, as a queryset method."""
        return self.filter(published_record())

    def in_locale(self, language_code):
        return self.filter(locale__language_code=language_code)


class PublishableSnippet(
    WorkflowMixin,
    DraftStateMixin,
    LockableMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    index.Indexed,
    ClusterableModel,
):
    """Drafts, revisions, locking, preview, moderation and translation for a directory record."""

    slug = models.SlugField(
        _("slug"),
        max_length=120,
        allow_unicode=False,
        help_text=_("Part of the public address; the same in every language."),
    )
    # Unique per (model, locale) when set: see the constraints of each concrete model.
    external_id = models.CharField(
        _("external ID"),
        max_length=100,
        blank=True,
        db_index=True,
        help_text=_("A stable identifier from the source system, used by imports."),
    )

    objects = PublishableQuerySet.as_manager()

    class Meta(TranslatableMixin.Meta):
        abstract = True

    @property
    def revisions(self):
        return self._revisions

    def validate_constraints(self, exclude=None):
        # See Vocabulary.validate_constraints: a duplicate slug is a form error, not a 500.
        super().validate_constraints(exclude=set(exclude or ()) - {"locale"})

    def get_preview_template(self, request, mode_name):
        snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in type(self).__name__)
        return f"directory/{snake.lstrip('_')}.html"
