"""Settings shared by every environment; each value comes from the environment.

Every variable read here is listed with its default in `.env.example`.
"""

import os
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    """A whole number from the environment; unset or empty (`NAME=` in a .env file) is
    `default`, anything else that is not a number stops the start with the variable named."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {value!r}.") from None


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

INSTALLED_APPS = [
    # Project apps come first so their templates and hooks win, and before grapple,
    # which reads every model's graphql_fields when it starts.
    "cms",
    "pages",
    "directory",
    "cms.webhooks",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales
    "wagtail_headless_preview",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "cms.apps.UsersConfig",  # wagtail.users, with group roles (cms/groups.py)
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_countries",
    "corsheaders",
    "django_tasks",
    "django_tasks_db",
    # grapple must come after wagtail.snippets and the project apps, or the schema fails to build.
    "grapple",
    "graphene_django",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "cms.graphql.views.CachedAnswerMiddleware",  # cached GraphQL GETs, before the rest
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.approval.ApprovalMessageMiddleware",  # says what "Approve" did (cms/approval.py)
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE_URL (postgres://postgres@127.0.0.1:5432/sesn); SQLite in the project folder if unset.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_settings(redis_url):
    """`default` may live in each process; `shared` is seen by every worker process, for what
    must hold across them (the submission rate limit). Both are Redis when there is one.

    Without Redis, `shared` is a database table, created by the migration
    cms/migrations/0004_shared_cache_table.py under the name given here.
    """
    if redis_url:
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
        return {"default": redis, "shared": dict(redis)}
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "shared": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "cms_shared_cache",
            # Past MAX_ENTRIES Django deletes the expired rows, then a third of the live ones:
            # counts of other clients must survive a flood of addresses (300 by default).
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        },
    }


REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = cache_settings(REDIS_URL)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages. English is the source; the others are the partner countries' languages.
# The GraphQL Locale enum is generated from this list.
LANGUAGE_CODE = "en"
LANGUAGES = WAGTAIL_CONTENT_LANGUAGES = [
    ("en", "English"),
    ("da", "Dansk"),
    ("de", "Deutsch"),
    ("et", "Eesti"),
    ("fi", "Suomi"),
    ("lt", "Lietuvių"),
    ("lv", "Latviešu"),
    ("nb", "Norsk bokmål"),
    ("pl", "Polski"),
    ("sv", "Svenska"),
]
WAGTAIL_I18N_ENABLED = True
# Editors and translators may use the admin in any of the partner languages (their preference).
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Copenhagen")
# The project's own strings are in each app's locale/ (cms, pages, directory; the templates'
# in cms). cms/wagtail_locale/ adds what Wagtail's own Danish and Latvian catalogs leave
# untranslated; makemessages never writes there, as no source file belongs to it.
LOCALE_PATHS = [BASE_DIR / "cms" / "locale", BASE_DIR / "cms" / "wagtail_locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "cms@sesn.example")

# Wagtail
WAGTAIL_SITE_NAME = "Social Enterprise Support Network"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {
    # Uses PostgreSQL full-text search on PostgreSQL and SQLite FTS5 on SQLite.
    # "sesn_simple" (directory migration 0013): unaccent, then "simple": accents folded, no
    # stemming and no stop words. Content is in ten languages and the backend has one
    # configuration for all of it; an English config would drop Estonian "on" or Polish "do" as
    # stop words. Stems are added to the query instead (cms/search_text.py). On SQLite (FTS5)
    # this setting is not used: cms.search_backend folds accents in Python there.
    "default": {"BACKEND": "cms.search_backend", "SEARCH_CONFIG": "sesn_simple"}
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "odp", "txt", "xlsx", "ods", "zip"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# wagtail-localize: translated copies stay drafts until a translator or moderator publishes them.
WAGTAILLOCALIZE_SYNC_LIVE_STATUS_ON_TRANSLATE = False


def machine_translator(environ):
    """The translation editor's machine translation: DeepL when DEEPL_AUTH_KEY is set, else
    LibreTranslate when LIBRETRANSLATE_URL is set, else none (the button is not shown).

    Classes are named, not imported: settings must not import app code.
    """
    if deepl_key := environ.get("DEEPL_AUTH_KEY", "").strip():
        return {
            "CLASS": "cms.translation.machine_translation.DeepLTranslator",
            "OPTIONS": {"AUTH_KEY": deepl_key},
        }
    if libretranslate_url := environ.get("LIBRETRANSLATE_URL", "").strip():
        return {
            "CLASS": "cms.translation.machine_translation.LibreTranslator",
            "OPTIONS": {
                "LIBRETRANSLATE_URL": libretranslate_url.rstrip("/"),
                "API_KEY": environ.get("LIBRETRANSLATE_API_KEY", "").strip(),
            },
        }
    return None


WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(os.environ)

# Headless preview: the admin's preview opens the frontend with a token.
WAGTAIL_HEADLESS_PREVIEW = {
    "CLIENT_URLS": {"default": os.environ.get("PREVIEW_CLIENT_URL", "{SITE_ROOT_URL}")},
    "SERVE_BASE_URL": None,
    "REDIRECT_ON_PREVIEW": False,
    "ENFORCE_TRAILING_SLASH": True,
}
PREVIEW_TOKEN_MAX_AGE = int(os.environ.get("PREVIEW_TOKEN_MAX_AGE", "3600"))

# GraphQL
GRAPHENE = {"SCHEMA": "cms.graphql.schema.schema"}
GRAPPLE = {
    "APPS": ["pages", "directory"],
    "AUTO_CAMELCASE": True,
    # Our interfaces replace grapple's (which expose parent/children/siblings of any page).
    "PAGE_INTERFACE": "pages.schema.PageInterface",
    "SNIPPET_INTERFACE": "cms.translation.schema.TranslatableInterface",
    "EXPOSE_GRAPHIQL": False,
    # Renditions a client may ask for; anything else is refused (no rendition flooding).
    "ALLOWED_IMAGE_FILTERS": [
        "width-400",
        "width-800",
        "width-1200",
        "width-1600",
        "fill-200x200",
        "fill-400x400",
        "fill-800x450",
        "fill-1200x630",
        "max-160x160",
        "format-webp",
    ],
}
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", default=DEBUG)
GRAPHQL_GRAPHIQL = env_bool("GRAPHQL_GRAPHIQL", default=DEBUG)
GRAPHQL_MAX_DEPTH = int(os.environ.get("GRAPHQL_MAX_DEPTH", "10"))
GRAPHQL_MAX_ALIASES = int(os.environ.get("GRAPHQL_MAX_ALIASES", "30"))
# Copies of one field in one selection set (fragments flattened): a few dozen where fragments
# on many types each select `id`; hundreds make graphql-core's validation take seconds.
GRAPHQL_MAX_FIELD_REPEATS = int(os.environ.get("GRAPHQL_MAX_FIELD_REPEATS", "100"))
GRAPHQL_MAX_QUERY_BYTES = int(os.environ.get("GRAPHQL_MAX_QUERY_BYTES", "20000"))
# Directives in one query (@include, @skip): a few in a real query, thousands in an attack.
GRAPHQL_MAX_DIRECTIVES = int(os.environ.get("GRAPHQL_MAX_DIRECTIVES", "50"))
# Errors in one answer; validation stops at this many.
GRAPHQL_MAX_ERRORS = int(os.environ.get("GRAPHQL_MAX_ERRORS", "20"))
# Words in one search; the search backends overflow the stack from about 150.
GRAPHQL_MAX_SEARCH_TERMS = int(os.environ.get("GRAPHQL_MAX_SEARCH_TERMS", "32"))
GRAPHQL_MAX_LIMIT = 100
# The most a query may cost, in units of one field of one item (cms/graphql/cost.py): about
# half a second of work. A 100-item directory list with every field and facet costs about
# 5,000; thirty such lists under aliases over 80,000.
GRAPHQL_MAX_COST = int(os.environ.get("GRAPHQL_MAX_COST", "10000"))

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/graphql/?$"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # One line per background task (search index, reference index) is noise.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
GRAPHQL_CACHE_SECONDS = int(os.environ.get("GRAPHQL_CACHE_SECONDS", "60"))
# Answers to anonymous queries kept on the server between publishes (0: none); any publish
# starts afresh, so this bounds only the memory of answers nobody asks for again.
# cms/graphql/cache.py says how.
GRAPHQL_RESPONSE_CACHE_SECONDS = int(os.environ.get("GRAPHQL_RESPONSE_CACHE_SECONDS", "600"))
GRAPHQL_RESPONSE_CACHE_ALIAS = "default"
# Queries stored under their hash for Automatic Persisted Queries.
GRAPHQL_PERSISTED_QUERY_SECONDS = int(
    os.environ.get("GRAPHQL_PERSISTED_QUERY_SECONDS", str(7 * 24 * 3600))
)

# Public submissions (submitEnterprise, submitEvent): at most this many per client address an hour.
GRAPHQL_SUBMISSIONS_PER_HOUR = int(os.environ.get("GRAPHQL_SUBMISSIONS_PER_HOUR", "5"))
# Writing to an entry (contactEntry, README: Contacting an entry): messages per client address an
# hour, the longest message, and how long the opt-out link in a relayed message works.
GRAPHQL_CONTACTS_PER_HOUR = env_int("GRAPHQL_CONTACTS_PER_HOUR", 5)
CONTACT_MESSAGE_MAX_CHARS = env_int("CONTACT_MESSAGE_MAX_CHARS", 5000)
CONTACT_OPT_OUT_DAYS = env_int("CONTACT_OPT_OUT_DAYS", 365)
# Alerts (subscribe, README: Alerts): requests per client address an hour; days a confirmation
# link and an unsubscribe link work; minutes before an unconfirmed alert asked again gets its
# e-mail again; days between digests (never fewer than 7); items listed in one digest.
GRAPHQL_SUBSCRIPTIONS_PER_HOUR = env_int("GRAPHQL_SUBSCRIPTIONS_PER_HOUR", 5)
ALERT_CONFIRM_DAYS = env_int("ALERT_CONFIRM_DAYS", 7)
ALERT_UNSUBSCRIBE_DAYS = env_int("ALERT_UNSUBSCRIBE_DAYS", 365)
ALERT_RESEND_MINUTES = env_int("ALERT_RESEND_MINUTES", 10)
ALERT_DIGEST_DAYS = env_int("ALERT_DIGEST_DAYS", 7)
ALERT_DIGEST_MAX_ITEMS = env_int("ALERT_DIGEST_MAX_ITEMS", 30)
# The reverse proxies in front of this CMS, each appending to X-Forwarded-For the address it saw.
# 0: the client is REMOTE_ADDR and the header is ignored (anyone can write it). N: the client is
# the entry N from the right, the address the outermost of our proxies saw; entries left of it
# are the client's own writing and never read.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# Where this CMS is publicly reachable, for absolute links (calendar feeds, JSON-LD);
# WAGTAILADMIN_BASE_URL when empty.
PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
# The public website (the frontends'), which Atom feed entries link to; PUBLIC_BASE_URL when
# empty. Where an item lives there: {locale} is a language code, {slug} a record's slug, {path}
# a page's path within its locale ("/" is home, "/library/x/").
FRONTEND_BASE_URL = os.environ.get("FRONTEND_BASE_URL", "")
FRONTEND_PATHS = {
    "enterprise": os.environ.get("FRONTEND_ENTERPRISE_PATH", "/{locale}/enterprises/{slug}/"),
    "event": os.environ.get("FRONTEND_EVENT_PATH", "/{locale}/events/{slug}/"),
    "organisation": os.environ.get(
        "FRONTEND_ORGANISATION_PATH", "/{locale}/organisations/{slug}/"
    ),
    "page": os.environ.get("FRONTEND_PAGE_PATH", "/{locale}{path}"),
}
# Open data files (/open-data/) of more records than this are streamed as they are written and
# kept as files between publishes; smaller ones in the response cache (README: Open data).
OPEN_DATA_STREAM_ABOVE = int(os.environ.get("OPEN_DATA_STREAM_ABOVE", "5000"))
# Where those streamed files are kept between publishes (cms/public_files.py), per instance.
PUBLIC_FILES_DIR = Path(
    os.environ.get("PUBLIC_FILES_DIR") or Path(tempfile.gettempdir()) / "sesn-public-files"
)

# Freshness of directory entries (README: Freshness): an entry not verified within this many days
# is `stale`, and its private contact is asked once per period whether it is still correct, with
# links valid for DIRECTORY_VERIFICATION_LINK_DAYS.
DIRECTORY_STALE_AFTER_DAYS = env_int("DIRECTORY_STALE_AFTER_DAYS", 365)
DIRECTORY_VERIFICATION_LINK_DAYS = env_int("DIRECTORY_VERIFICATION_LINK_DAYS", 60)

# Background work (django-tasks). The immediate backend runs a task at once, in the process that
# enqueued it (tests, `make run`); production.py defaults to the database backend, whose tasks
# `manage.py db_worker` runs. A task enqueued inside a transaction is seen by that worker only
# once the transaction commits, with the database backend as with `transaction.on_commit`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"
        ),
    }
}

# Webhooks (cms/webhooks): seconds a receiver has to answer one delivery attempt.
WEBHOOKS_TIMEOUT = float(os.environ.get("WEBHOOKS_TIMEOUT", "10"))
# Endpoints resolving to private, loopback, link-local or reserved addresses are refused unless
# this is true (a CMS inside the same network as its frontend, or tests).
WEBHOOKS_ALLOW_PRIVATE_URLS = env_bool("WEBHOOKS_ALLOW_PRIVATE_URLS")
