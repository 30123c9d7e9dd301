"""What the answers to "still correct?" write: a verification, or proposed changes.

Both act on an entry found through its signed link (`entry_for_link`), which must still be
public and still have the contact the e-mail went to: anything else is an invalid link, whose
page says nothing about the entry.
"""

import logging

from django.apps import apps
from django.conf import settings
from django.db import transaction

from wagtail.log_actions import log

from cms import changes
from cms.visibility import visible_records
from directory import freshness
from directory.tasks import notify_moderators

from .links import LinkInvalid, contact_digest, read_token

logger = logging.getLogger(__name__)

VERIFIED = "directory.verified"
UPDATE_PROPOSED = "directory.update_proposed"
ENTRY_MODELS = {"directory.socialenterprise", "directory.supportorganisation"}

# The public fields the contact may change; the rest (slug, private contact, location details,
# classification beyond these) stays with the moderators.
PROPOSED_FIELDS = [
    "name",
    "summary",
    "description",
    "country",
    "city",
    "website",
    "email",
    "seeking_partners",
]
PROPOSED_RELATIONS = ["sectors", "sdgs", "offers", "needs"]


def entry_for_link(token):
    """(entry, language) of a signed link; LinkExpired or LinkInvalid otherwise."""
    value = read_token(token)
    if value["m"] not in ENTRY_MODELS or value["l"] not in dict(settings.LANGUAGES):
        raise LinkInvalid
    model = apps.get_model(value["m"])
    entry = visible_records(model).filter(pk=value["pk"]).select_related("locale").first()
    if entry is None or not entry.contact_email or contact_digest(entry) != value["c"]:
        raise LinkInvalid
    return entry, value["l"]


def _group(entry):
    return type(entry).objects.filter(translation_key=entry.translation_key).order_by("pk")


@transaction.atomic
def record_verification(entry):
    """Set `last_verified` to today on every row of the entry's translation group.

    A public row whose live content is its latest is published again with the new date, as a
    revision logged "Verified by its contact": nothing else changes, so no moderation. Any other
    row (a pending draft, an unpublished or expired translation) is never published here: its
    column gets the date directly and its latest revision too, so publishing that later does
    not undo it. Returns the number of rows changed (0 when already verified today).
    """
    today = freshness.today()
    group = _group(entry)
    public = set(visible_records(type(entry)).filter(pk__in=group).values_list("pk", flat=True))
    changed = 0
    for row in group.select_for_update():
        if row.last_verified == today:
            continue
        changed += 1
        row.last_verified = today
        if row.pk in public and not row.has_unpublished_changes:
            revision = row.save_revision(log_action=False, clean=False)
            revision.publish(log_action=False)
            log(row, VERIFIED, revision=revision, content_changed=True)
            continue
        type(row).objects.filter(pk=row.pk).update(last_verified=today)
        draft = row.latest_revision
        if draft is not None:
            draft.content["last_verified"] = today.isoformat()
            draft.save(update_fields=["content"])
        log(row, VERIFIED, revision=draft, content_changed=True)
        changes.announce(type(row))
    return changed


def submit_for_moderation(record, action):
    """Save `record` as a revision, log it and submit it to its moderation workflow (unless a
    workflow already runs, which then moderates this newest revision)."""
    revision = record.save_revision(log_action=False)
    log(record, action, revision=revision, content_changed=True)
    if record.workflow_in_progress:
        return revision
    workflow = record.get_workflow()
    if workflow is None:
        logger.warning("No moderation workflow for %s: changes left unsubmitted", record)
    else:
        workflow.start(record, None)
    return revision


def propose_update(entry, proposed, relations, keep_description=False):
    """The contact's changes to `entry` as a draft revision awaiting moderation.

    `proposed` is the unsaved record the submission validation built (directory/mutations.py)
    and `relations` its vocabulary rows. The live row is not written: the revision holds the
    changes until a moderator publishes it. The contact checked the entry, so the draft carries
    today's `last_verified`. `keep_description` keeps the entry's rich text when the contact
    left its plain-text form as it was (formatting and links are not lost).
    """
    fields = [f for f in PROPOSED_FIELDS if not (keep_description and f == "description")]
    for field in fields:
        setattr(entry, field, getattr(proposed, field))
    for name, rows in relations.items():
        getattr(entry, name).set(rows)
    entry.last_verified = freshness.today()
    # Moderators hear of a proposal once per moderation: a link used again while they have not
    # decided adds a revision to the same workflow, not another e-mail.
    already_told = entry.workflow_in_progress
    with transaction.atomic():
        submit_for_moderation(entry, UPDATE_PROPOSED)
    if not already_told:
        transaction.on_commit(lambda: notify_moderators.enqueue(entry._meta.label, entry.pk))
    return entry
