"""Load demo content: the network's real partners and meetings, fictional enterprises, library
pages with a Danish translation, and on request thousands of synthetic records.

Idempotent: a record that exists (same slug and locale) is found and left as it is, so running
the command again changes nothing and an editor's changes to demo records survive. Synthetic
records are numbered (`demo-enterprise-00042`); `--enterprises N` makes sure records 0 to N-1
exist, creating only the missing ones.

The hand-written records go through Wagtail's normal path (save, revision, publish) and
wagtail-localize's (translation source, string translations, create_or_update_translation), so
they look exactly like content made in the admin. Synthetic records are written in bulk without
revisions (see `SyntheticSeeder`), which is what makes ten thousand of them take seconds.
"""

import json
import logging
import random
import time
import uuid
import zoneinfo
from collections import Counter
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Locale, Page
from wagtail_localize.models import (
    OverridableSegment,
    SegmentOverride,
    StringSegment,
    StringTranslation,
    Translation,
    TranslationSource,
)

from cms import changes, demo
from cms.bulk import (
    BATCH_SIZE,
    Vocabularies,
    batched,
    bulk_index,
    bulk_relations,
    english_locale,
)
from directory import facet_counts
from directory import models as directory
from pages import models as pages


class Command(BaseCommand):
    help = (
        "Load demo content (idempotent). --enterprises/--events/--pages N add N synthetic "
        "records each, in bulk."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enterprises",
            type=int,
            default=0,
            help="Make sure synthetic social enterprises 0 to N-1 exist.",
        )
        parser.add_argument(
            "--events", type=int, default=0, help="Make sure synthetic events 0 to N-1 exist."
        )
        parser.add_argument(
            "--pages",
            type=int,
            default=0,
            help="Make sure synthetic library pages 0 to N-1 exist.",
        )
        parser.add_argument(
            "--seed", type=int, default=2014, help="Seed of the synthetic records' randomness."
        )
        parser.add_argument(
            "--quiet",
            action="store_true",
            help="Print one summary line instead of the table, and no log lines (`make run`).",
        )

    def handle(self, *args, enterprises, events, pages, seed, quiet, **options):
        if min(enterprises, events, pages) < 0:
            raise CommandError("Counts cannot be negative.")
        if quiet:
            # Wagtail logs every save, publish and redirect at INFO: dozens of lines.
            logging.disable(logging.INFO)
        try:
            self.seed(enterprises, events, pages, seed, quiet)
        finally:
            if quiet:
                logging.disable(logging.NOTSET)

    def seed(self, enterprises, events, pages, seed, quiet):
        started = time.monotonic()
        tally = Tally()
        entries = (directory.SocialEnterprise, directory.SupportOrganisation)
        with transaction.atomic(), facet_counts.deferred(*entries):
            content = DemoSeeder(tally)
            content.seed()
            synthetic = SyntheticSeeder(
                tally, seed, partners=content.partners, library=content.pages["library"]
            )
            synthetic.seed(enterprises=enterprises, events=events, pages=pages)
            # Synthetic rows are written in bulk, which announces nothing by itself.
            changes.announce()
        for warning in tally.warnings:
            self.stderr.write(self.style.WARNING(warning))
        seconds = time.monotonic() - started
        if quiet:
            self.stdout.write(tally.summary(seconds))
            return
        self.stdout.write(tally.report())
        self.stdout.write(f"Done in {seconds:.1f} s.")


class Tally:
    """What the command created and found, per kind of record, for the summary."""

    def __init__(self):
        self.created = Counter()
        self.found = Counter()
        self.kinds = []
        self.warnings = []

    def add(self, kind, created, count=1):
        if kind not in self.kinds:
            self.kinds.append(kind)
        (self.created if created else self.found)[kind] += count

    def summary(self, seconds):
        created, found = self.created.total(), self.found.total()
        if not created:
            return f"Demo content: all {found} records already there ({seconds:.1f} s)."
        records = "record" if created == 1 else "records"
        return (
            f"Demo content: {created} {records} created, {found} already there ({seconds:.1f} s)."
        )

    def report(self):
        width = max((len(kind) for kind in self.kinds), default=0)
        lines = ["Demo content:"]
        for kind in self.kinds:
            lines.append(
                f"  {kind.ljust(width)}  {self.created[kind]:>6} created  "
                f"{self.found[kind]:>6} found"
            )
        return "\n".join(lines)


# Hand-written content ----------------------------------------------------------------------


class DemoSeeder:
    def __init__(self, tally):
        self.tally = tally
        self.en = english_locale()
        self.da = Locale.objects.filter(language_code="da").first()
        if self.da is None:
            raise CommandError("No Danish locale: run `manage.py migrate` first.")
        self.vocab = Vocabularies(self.en)
        self.partners = {}
        self.enterprises = {}
        self.pages = {}
        self.new_danish_pages = []

    def seed(self):
        for data in demo.PARTNERS:
            self.partners[data["slug"]] = self.partner(data)
        for data in demo.MEETINGS:
            self.meeting(data)
        for data in demo.ENTERPRISES:
            self.enterprises[data["slug"]] = self.enterprise(data)
        self.library_pages()
        self.danish_translations()
        if self.new_danish_pages:
            transaction.on_commit(self.remove_redirects_from_draft_slugs)

    # Snippets: saved, then published through a revision as the admin does.

    def snippet(self, kind, model, slug, build):
        existing = model.objects.filter(locale=self.en, slug=slug).first()
        if existing is not None:
            self.tally.add(kind, created=False)
            return existing
        instance = build()
        instance.slug = slug
        instance.locale = self.en
        instance.live = False
        instance.save()
        instance.save_revision().publish()
        self.tally.add(kind, created=True)
        return instance

    def partner(self, data):
        def build():
            organisation = directory.SupportOrganisation(
                name=data["name"],
                summary=data["summary"],
                description=data["description"],
                country=data["country"],
                city=data["city"],
                latitude=_decimal(data["latitude"]),
                longitude=_decimal(data["longitude"]),
                languages=data["languages"],
                countries_served=data["countries_served"],
                seeking_partners=bool(data["offers"] or data["needs"]),
            )
            organisation.support_types = self.vocab.pick(
                self.vocab.support_types, data["support_types"]
            )
            organisation.offers = self.vocab.pick(self.vocab.collaboration, data["offers"])
            organisation.needs = self.vocab.pick(self.vocab.collaboration, data["needs"])
            return organisation

        return self.snippet(
            "support organisations (project partners)",
            directory.SupportOrganisation,
            data["slug"],
            build,
        )

    def meeting(self, data):
        def build():
            zone = zoneinfo.ZoneInfo(data["time_zone"])
            event = directory.Event(
                title=data["title"],
                summary=data["summary"],
                description=data["description"],
                start=data["start"].replace(tzinfo=zone),
                end=data["end"].replace(tzinfo=zone),
                time_zone=data["time_zone"],
                format=data["format"],
                status=directory.EventStatus.SCHEDULED,
                event_type=self.vocab.one(self.vocab.event_types, data["event_type"]),
                country=data["country"],
                city=data["city"],
                latitude=_decimal(data["latitude"]),
                longitude=_decimal(data["longitude"]),
                organiser_organisation=self.partners[data["organiser"]],
            )
            event.topics = self.vocab.pick(self.vocab.topics, data["topics"])
            return event

        return self.snippet("events (project meetings)", directory.Event, data["slug"], build)

    def enterprise(self, data):
        def build():
            latitude, longitude = data["coordinates"]
            language = demo.COUNTRIES[data["country"]]["language"]
            offers, needs = data["offers"], data["needs"]
            enterprise = directory.SocialEnterprise(
                name=data["name"],
                summary=demo.english(data["summary"]),
                description=demo.english(data.get("description", "")),
                country=data["country"],
                city=data["city"],
                latitude=Decimal(latitude),
                longitude=Decimal(longitude),
                website=f"https://{data['slug']}.example",
                email=f"info@{data['slug']}.example",
                languages=sorted({language, "en"}),
                legal_form=data["legal_form"],
                recognised_status=self.vocab.one(self.vocab.statuses, data["recognised_status"]),
                founded_year=data["founded_year"],
                employees=data["employees"],
                seeking_partners=data.get("seeking_partners", True),
            )
            enterprise.sectors = self.vocab.pick(self.vocab.sectors, data["sectors"])
            enterprise.sdgs = self.vocab.pick(self.vocab.sdgs, data["sdgs"])
            enterprise.target_groups = self.vocab.pick(
                self.vocab.target_groups, data["target_groups"]
            )
            enterprise.offers = self.vocab.pick(self.vocab.collaboration, offers)
            enterprise.needs = self.vocab.pick(self.vocab.collaboration, needs)
            return enterprise

        return self.snippet(
            "social enterprises (fictional)", directory.SocialEnterprise, data["slug"], build
        )

    # Pages: added to the tree, then published through a revision.

    def page(self, parent, model, data, relations=None, **fields):
        """Add a page under `parent` and publish it; `relations` are its child objects and
        many-to-many relations, saved with it by modelcluster."""
        slug = demo.english(data["slug"])
        existing = parent.get_children().filter(slug=slug).specific().first()
        if existing is not None:
            self.tally.add("pages", created=False)
            return existing
        body = [
            {
                **block,
                "value": self.resolve_pages(demo.english(block["value"])),
            }
            for block in data.get("body", [])
        ]
        page = model(
            title=demo.english(data["title"]),
            slug=slug,
            intro=demo.english(data["intro"]),
            body=json.dumps(body),
            live=False,
            **fields,
        )
        if "topics" in data:
            page.topics = self.vocab.pick(self.vocab.topics, data["topics"])
        for name, value in (relations or {}).items():
            setattr(page, name, value)
        parent.add_child(instance=page)
        page.save_revision().publish()
        self.tally.add("pages", created=True)
        return page

    def resolve_pages(self, value):
        """Call-to-action blocks name their page by key (see cms.demo.content)."""
        if isinstance(value, dict) and isinstance(value.get("page"), str):
            return {**value, "page": self.pages[value["page"]].pk}
        return value

    def library_pages(self):
        home = pages.HomePage.objects.filter(locale=self.en, depth=2).first()
        if home is None:
            raise CommandError("No English home page: run `manage.py migrate` first.")
        self.pages["home"] = home
        library = self.page(home, pages.LibraryIndexPage, demo.PAGES["library"])
        self.pages["library"] = library
        # Pages that others link to come first.
        tool = demo.PAGES["tool-jitsi"]
        self.pages["tool-jitsi"] = self.page(
            library,
            pages.ToolPage,
            tool,
            category=tool["category"],
            website=tool["website"],
            pricing=tool["pricing"],
            open_source=tool["open_source"],
            platforms=tool["platforms"],
        )
        for key in ("article-social", "article-impact"):
            self.pages[key] = self.article(library, demo.PAGES[key])
        canvas = demo.PAGES["teaching-canvas"]
        self.pages[canvas["key"]] = self.page(
            library,
            pages.TeachingMaterialPage,
            canvas,
            audience=canvas["audience"],
            level=canvas["level"],
            format=canvas["format"],
            duration_minutes=canvas["duration_minutes"],
            material_languages=canvas["material_languages"],
            licence=canvas["licence"],
            learning_outcomes=json.dumps(
                [
                    {"type": "outcome", "value": {"text": text}}
                    for text in canvas["learning_outcomes"]
                ]
            ),
        )
        self.pages["about"] = self.page(home, pages.StandardPage, demo.PAGES["about"])

    def article(self, library, data):
        authors = [
            pages.ArticleAuthor(
                name=author["name"], organisation=author["organisation"], sort_order=position
            )
            for position, author in enumerate(data["authors"])
        ]
        related = [self.enterprises[slug] for slug in data.get("related_enterprises", [])]
        return self.page(
            library,
            pages.ArticlePage,
            data,
            relations={"authors": authors, "related_enterprises": related},
            kind=data["kind"],
            date=data["date"],
            countries=data["countries"],
        )

    # Danish, through wagtail-localize.

    def danish_translations(self):
        home = self.pages["home"]
        self.translate("pages (Danish)", home, demo.danish_strings(demo.HOME_DANISH))
        for data in demo.DANISH_PAGES:
            strings = demo.danish_strings(data)
            self.translate("pages (Danish)", self.pages[data["key"]], strings)
        data = next(e for e in demo.ENTERPRISES if e["slug"] == demo.DANISH_ENTERPRISE)
        self.translate(
            "social enterprises (Danish)",
            self.enterprises[demo.DANISH_ENTERPRISE],
            demo.danish_strings(data),
        )

    def translate(self, kind, instance, strings):
        """Translate `instance` into Danish the way a translator does in wagtail-localize.

        The translation source and `Translation` record make the Danish copy editable in
        wagtail-localize's editor; the Danish strings go into its translation memory; the copy is
        then built from them and published. A string we have no Danish for (an editor changed
        the English) falls back to English with a warning rather than failing the seed.

        We build the copy with `publish=False` and publish its revision ourselves because
        wagtail-localize publishes in `transaction.on_commit`, which never runs inside a test's
        transaction, and would run after this command's summary.
        """
        source, _created = TranslationSource.get_or_create_from_instance(instance)
        Translation.objects.get_or_create(source=source, target_locale=self.da)

        changed = False
        missing = []
        segments = StringSegment.objects.filter(source=source).select_related("string", "context")
        for segment in segments:
            text = strings.get(segment.string.data)
            if text is None:
                missing.append(segment.string.data)
                continue
            _translation, created = StringTranslation.objects.get_or_create(
                translation_of=segment.string,
                locale=self.da,
                context=segment.context,
                defaults={
                    "data": text,
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                },
            )
            changed |= created
        changed |= self.link_danish_pages(source)

        try:
            target = source.get_translated_instance(self.da)
        except ObjectDoesNotExist:
            target = None
        if target is not None and target.live and not changed:
            self.tally.add(kind, created=False)
            return target

        for text in missing:
            self.tally.warnings.append(f"No Danish for {text!r} in {instance}: kept in English.")
        target, _created = source.create_or_update_translation(
            self.da, publish=False, fallback=bool(missing)
        )
        target.get_latest_revision().publish()
        if isinstance(target, Page):
            self.new_danish_pages.append(target.pk)
        self.tally.add(kind, created=True)
        return target

    def remove_redirects_from_draft_slugs(self):
        """Delete the redirects Wagtail made when the Danish drafts got their Danish slugs.

        wagtail-localize creates a translated page under the source's slug and renames it;
        wagtail.contrib.redirects answers the rename (on commit, hence this callback, which
        runs after it) with redirects from addresses that were never published.
        """
        Redirect.objects.filter(
            automatically_created=True, redirect_page_id__in=self.new_danish_pages
        ).delete()

    def link_danish_pages(self, source):
        """Point page links at the Danish page where one exists (a wagtail-localize override).

        wagtail-localize leaves page choosers pointing at the source page and lets translators
        override them; we do what a translator would.
        """
        changed = False
        for segment in OverridableSegment.objects.filter(
            source=source, context__path__endswith=".page"
        ).select_related("context"):
            linked = Page.objects.filter(pk=json.loads(segment.data_json)).first()
            danish = linked and linked.get_translation_or_none(self.da)
            if danish is None:
                continue
            _override, created = SegmentOverride.objects.get_or_create(
                locale=self.da,
                context=segment.context,
                defaults={"data_json": json.dumps(danish.pk)},
            )
            changed |= created
        return changed


def _decimal(value):
    return None if value is None else Decimal(value)


# Synthetic content -------------------------------------------------------------------------


class SyntheticSeeder:
    """Thousands of records in bulk: rows, relations and search index entries in batches.

    Each record comes from its own `random.Random(f"{seed}:{kind}:{index}")`, so record 42 is
    the same whichever records exist already. Records are live without a revision, as imported
    content is: Wagtail makes the first revision when someone edits one.

    Not done per record, on purpose: signals (so no per-object search indexing: we index each
    batch at once, as `update_index` does) and Wagtail's reference index (run
    `manage.py rebuild_references_index` if the usage counts of vocabulary terms matter).
    """

    def __init__(self, tally, seed, partners, library):
        self.tally = tally
        self.seed_value = seed
        self.partners = [partners[data["slug"]] for data in demo.PARTNERS]
        self.library = library
        self.en = english_locale()
        self.vocab = Vocabularies(self.en)
        self.now = timezone.now()
        self.today = timezone.localdate()

    def rng(self, kind, index):
        return random.Random(f"{self.seed_value}:{kind}:{index}")

    def seed(self, *, enterprises, events, pages):
        if enterprises:
            self.enterprises(enterprises)
        if events:
            self.events(events)
        if pages:
            self.pages(pages)

    def missing(self, kind, queryset, prefix, count):
        existing = set(queryset.filter(slug__startswith=prefix).values_list("slug", flat=True))
        wanted = [(index, f"{prefix}{index:05d}") for index in range(count)]
        todo = [index for index, slug in wanted if slug not in existing]
        self.tally.add(kind, created=False, count=count - len(todo))
        return todo

    def publishable(self, model, **fields):
        return model(
            locale=self.en,
            translation_key=uuid.uuid4(),
            live=True,
            has_unpublished_changes=False,
            first_published_at=self.now,
            last_published_at=self.now,
            **fields,
        )

    def enterprises(self, count):
        model = directory.SocialEnterprise
        kind = "social enterprises (synthetic)"
        todo = self.missing(kind, model.objects.filter(locale=self.en), "demo-enterprise-", count)
        vocab = self.vocab
        for batch in batched(todo, BATCH_SIZE):
            rows, relations = [], []
            for index in batch:
                data = demo.synthetic_enterprise(self.rng("enterprise", index), index)
                relations.append(
                    {
                        "sectors": vocab.pick(vocab.sectors, data.pop("sectors")),
                        "sdgs": vocab.pick(vocab.sdgs, data.pop("sdgs")),
                        "target_groups": vocab.pick(
                            vocab.target_groups, data.pop("target_groups")
                        ),
                        "offers": vocab.pick(vocab.collaboration, data.pop("offers")),
                        "needs": vocab.pick(vocab.collaboration, data.pop("needs")),
                    }
                )
                status = vocab.one(vocab.statuses, data.pop("recognised_status"))
                rows.append(self.publishable(model, recognised_status=status, **data))
            model.objects.bulk_create(rows)
            bulk_relations(model, rows, relations)
            bulk_index(model, rows)
            self.tally.add(kind, created=True, count=len(rows))

    def events(self, count):
        model = directory.Event
        kind = "events (synthetic)"
        todo = self.missing(kind, model.objects.filter(locale=self.en), "demo-event-", count)
        vocab = self.vocab
        for batch in batched(todo, BATCH_SIZE):
            rows, relations = [], []
            for index in batch:
                data = demo.synthetic_event(self.rng("event", index), index, self.today)
                zone = zoneinfo.ZoneInfo(data["time_zone"])
                data["start"] = data["start"].replace(tzinfo=zone)
                data["end"] = data["end"].replace(tzinfo=zone)
                organiser = data.pop("organiser")
                data["organiser_organisation"] = (
                    None if organiser is None else self.partners[organiser]
                )
                data["event_type"] = vocab.one(vocab.event_types, data["event_type"])
                relations.append({"topics": vocab.pick(vocab.topics, data.pop("topics"))})
                rows.append(self.publishable(model, **data))
            model.objects.bulk_create(rows)
            bulk_relations(model, rows, relations)
            bulk_index(model, rows)
            self.tally.add(kind, created=True, count=len(rows))

    def pages(self, count):
        kind = "library pages (synthetic)"
        library = self.library
        todo = self.missing(kind, library.get_children(), "demo-page-", count)
        models = {
            "article": pages.ArticlePage,
            "teaching": pages.TeachingMaterialPage,
            "tool": pages.ToolPage,
        }
        for batch in batched(todo, BATCH_SIZE):
            # Paths continue after the library's last child, in treebeard's notation.
            next_step = _next_child_step(library)
            by_model = {}
            for offset, index in enumerate(batch):
                page_type, data = demo.synthetic_page(self.rng("page", index), index, self.today)
                model = models[page_type]
                topics = self.vocab.pick(self.vocab.topics, data.pop("topics"))
                for field in ("body", "learning_outcomes"):
                    if field in data:
                        data[field] = json.dumps(data[field])
                page = self.publishable(
                    model,
                    draft_title=data["title"],
                    content_type=ContentType.objects.get_for_model(model),
                    path=Page._get_path(library.path, library.depth + 1, next_step + offset),
                    depth=library.depth + 1,
                    numchild=0,
                    url_path=f"{library.url_path}{data['slug']}/",
                    **data,
                )
                rows, relations = by_model.setdefault(model, ([], []))
                rows.append(page)
                relations.append({"topics": topics})
            bulk_create_pages(by_model)
            Page.objects.filter(pk=library.pk).update(numchild=library.get_children().count())
            for model, (rows, relations) in by_model.items():
                bulk_relations(model, rows, relations)
                bulk_index(model, rows)
                self.tally.add(kind, created=True, count=len(rows))


def _next_child_step(parent):
    last = parent.get_last_child()
    return 1 if last is None else Page._str2int(last.path[-Page.steplen :]) + 1


def bulk_create_pages(by_model):
    """Insert pages of several specific types under one parent in a few statements.

    Django's bulk_create refuses models with multi-table inheritance (wagtailcore_page plus one
    table per page type), so the shared Page rows go through bulk_create and each type's own
    columns through one executemany per batch.
    """
    specific_pages = [page for rows, _relations in by_model.values() for page in rows]
    page_fields = [field for field in Page._meta.concrete_fields if not field.primary_key]
    base_rows = [
        Page(**{field.attname: getattr(page, field.attname) for field in page_fields})
        for page in specific_pages
    ]
    Page.objects.bulk_create(base_rows, batch_size=BATCH_SIZE)
    for page, base in zip(specific_pages, base_rows, strict=True):
        page.id = page.page_ptr_id = base.pk

    for model, (rows, _relations) in by_model.items():
        fields = model._meta.local_concrete_fields
        table = connection.ops.quote_name(model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        placeholders = ", ".join(["%s"] * len(fields))
        values = [
            [field.get_db_prep_save(field.pre_save(page, True), connection) for field in fields]
            for page in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", values)
