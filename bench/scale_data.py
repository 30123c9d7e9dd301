"""The content of the `make bench-scale` databases, written the way the app writes it.

`fill()` runs in a process whose DATABASE_URL names an empty database: the project's
migrations, then `seed_demo` (the hand-written demo content, and synthetic enterprises, events
and library pages in bulk), then what the directory has at scale and `seed_demo` does not make:

- support organisations, one per 50 enterprises, more than half of them seeking partners, so
  that partner matching weighs both kinds of candidate;
- copies of enterprises and support organisations in other locales, as an editor's translation
  would be: the same translation key, slug and relations (relations always point at the English
  terms), the texts in the locale. About a third of the entries of a country whose language is
  configured have a copy in it, one in twenty a German one; one copy in ten is an unpublished
  draft. So `best_locale` has groups to resolve and `translations` several rows per group.

Every row goes through the same bulk path as `seed_demo` and `import_directory`
(`cms.bulk`): model instances, many-to-many rows, and the search index entries that Wagtail's
backend writes for them (`add_bulk`, as `update_index` does). Each record comes from its own
`random.Random`, so the same size gives the same content on every build.
"""

import random
import subprocess
import uuid
from pathlib import Path

from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from wagtail.models import Locale

from cms.bulk import BATCH_SIZE, Vocabularies, batched, bulk_index, bulk_relations
from cms.demo.content import COUNTRIES
from cms.demo.synthetic import COLLABORATION_SLUGS, jitter, weighted_country
from cms.demo.text import rich_text
from directory import models as directory

SEED = 2014
ENTERPRISES_PER_SUPPORT_ORGANISATION = 50
OWN_LANGUAGE_SHARE = 0.3
GERMAN_SHARE = 0.05
DRAFT_SHARE = 0.1

# One sentence per locale that starts a translated summary; the city goes in.
TRANSLATED_SUMMARY = {
    "da": "Socialøkonomisk virksomhed i {city}.",
    "de": "Sozialunternehmen in {city}.",
    "et": "Sotsiaalne ettevõte, {city}.",
    "fi": "Yhteiskunnallinen yritys, {city}.",
    "lt": "Socialinė įmonė, {city}.",
    "lv": "Sociālais uzņēmums, {city}.",
    "nb": "Sosialt entreprenørskap i {city}.",
    "pl": "Przedsiębiorstwo społeczne w {city}.",
    "sv": "Socialt företag i {city}.",
}
SUPPORT_NAMES = [
    "Social Innovation Hub {city}",
    "{city} Impact Fund",
    "Cooperative Development Centre {city}",
    "{city} Social Economy Network",
    "Business Incubator {city}",
]
RELATIONS = {
    directory.SocialEnterprise: ["sectors", "sdgs", "target_groups", "offers", "needs"],
    directory.SupportOrganisation: [
        "sectors",
        "sdgs",
        "target_groups",
        "offers",
        "needs",
        "support_types",
    ],
}


ROOT = Path(__file__).resolve().parent.parent


def fill(enterprises, events, pages, out):
    """Migrate the empty database of this process and fill it; `out` gets seed_demo's report.

    The template ends at the project's committed migrations (see `unmigrate_uncommitted`).
    """
    call_command("migrate", interactive=False, verbosity=0)
    call_command(
        "seed_demo", enterprises=enterprises, events=events, pages=pages, seed=SEED, stdout=out
    )
    with transaction.atomic():
        english = Locale.objects.get(language_code="en")
        support_organisations(english, enterprises // ENTERPRISES_PER_SUPPORT_ORGANISATION)
        for model in RELATIONS:
            translate(model, english)
    unmigrate_uncommitted()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def uncommitted_targets():
    """(app, last committed migration) of each project app with migrations not in git's HEAD.

    Several people add migrations to the shared working tree while they work; a template holds
    only what is committed, and each measured copy applies the rest.
    """
    tracked = set(
        subprocess.run(
            ["git", "ls-tree", "-r", "--name-only", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    )
    loader = MigrationLoader(None, ignore_no_migrations=True)
    targets = []
    for config in apps.get_app_configs():
        folder = Path(config.path) / "migrations"
        if not folder.is_relative_to(ROOT) or "site-packages" in folder.parts:
            continue
        names = sorted(name for app, name in loader.disk_migrations if app == config.label)
        committed = [
            name for name in names if str((folder / f"{name}.py").relative_to(ROOT)) in tracked
        ]
        if committed != names:
            # Migration names start with their number, so the last committed one sorts last.
            targets.append((config.label, committed[-1] if committed else "zero"))
    return targets


def unmigrate_uncommitted():
    for app, name in uncommitted_targets():
        call_command("migrate", app, name, interactive=False, verbosity=0)


def _rng(kind, key):
    return random.Random(f"{SEED}:{kind}:{key}")


def support_organisations(english, count):
    vocab = Vocabularies(english)
    model = directory.SupportOrganisation
    now = timezone.now()
    for batch in batched(range(count), BATCH_SIZE):
        rows, relations = [], []
        for index in batch:
            rng = _rng("support", index)
            country = weighted_country(rng)
            info = COUNTRIES[country]
            city, latitude, longitude = rng.choice(info["cities"])
            slug = f"bench-support-{index:05d}"
            seeking = rng.random() < 0.6
            offers = rng.sample(COLLABORATION_SLUGS, rng.randint(1, 3))
            needs = [s for s in COLLABORATION_SLUGS if s not in offers]
            served = sorted({country, *rng.sample(sorted(COUNTRIES), rng.randint(1, 3))})
            summary = f"Supports social enterprises in {city} and beyond. Synthetic bench record."
            rows.append(
                model(
                    locale=english,
                    translation_key=uuid.uuid4(),
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    slug=slug,
                    name=rng.choice(SUPPORT_NAMES).format(city=city),
                    summary=summary,
                    description=rich_text(("p", summary)),
                    country=country,
                    city=city,
                    latitude=jitter(rng, latitude),
                    longitude=jitter(rng, longitude),
                    website=f"https://{slug}.example",
                    languages=sorted({info["language"], "en"}),
                    seeking_partners=seeking,
                    countries_served=served if rng.random() < 0.5 else [],
                )
            )
            relations.append(
                {
                    "sectors": rng.sample(sorted(vocab.sectors.values(), key=str), 2),
                    "sdgs": rng.sample(sorted(vocab.sdgs.values(), key=str), 2),
                    "target_groups": rng.sample(sorted(vocab.target_groups.values(), key=str), 1),
                    "offers": vocab.pick(vocab.collaboration, offers if seeking else []),
                    "needs": vocab.pick(
                        vocab.collaboration,
                        rng.sample(needs, rng.randint(0, 2)) if seeking else [],
                    ),
                    "support_types": rng.sample(
                        sorted(vocab.support_types.values(), key=str), rng.randint(1, 3)
                    ),
                }
            )
        model.objects.bulk_create(rows)
        bulk_relations(model, rows, relations)
        bulk_index(model, rows)


def _copy_locales(rng, country):
    language = COUNTRIES.get(country, {}).get("language")
    chosen = []
    if language in TRANSLATED_SUMMARY and rng.random() < OWN_LANGUAGE_SHARE:
        chosen.append(language)
    if language != "de" and rng.random() < GERMAN_SHARE:
        chosen.append("de")
    return chosen


def translate(model, english):
    """Copies of the English rows of `model` in other locales (see the module docstring)."""
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    fields = [
        field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname != "locale_id"
    ]
    names = RELATIONS[model]
    sources = model.objects.filter(locale=english).order_by("pk")
    ids = list(sources.values_list("pk", flat=True))
    for batch in batched(ids, BATCH_SIZE):
        rows, relations = [], []
        for source in model.objects.filter(pk__in=batch).prefetch_related(*names):
            rng = _rng(f"translation:{model._meta.model_name}", source.slug)
            for code in _copy_locales(rng, source.country):
                copy = model(**{name: getattr(source, name) for name in fields})
                copy.locale = locales[code]
                lead = TRANSLATED_SUMMARY[code].format(city=source.city)
                copy.summary = f"{lead} {source.summary}"[:500]
                copy.description = rich_text(("p", lead), ("p", source.summary))
                if rng.random() < DRAFT_SHARE:
                    copy.live = False
                    copy.has_unpublished_changes = True
                    copy.first_published_at = copy.last_published_at = None
                rows.append(copy)
                relations.append({name: list(getattr(source, name).all()) for name in names})
        model.objects.bulk_create(rows)
        bulk_relations(model, rows, relations)
        bulk_index(model, rows)
