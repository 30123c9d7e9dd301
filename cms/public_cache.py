"""Public answers cached between publishes: GraphQL, calendar feeds, and any public GET view.

Answers live in the cache `GRAPHQL_RESPONSE_CACHE_ALIAS` (Redis when REDIS_URL is set, so every
instance shares it; local memory in development; the shared database table in production
without Redis) under a key made of the current *generation* and the request.

Invalidation is a new generation, never a search for the affected keys: every write of content
(`cms.changes.content_changed`: publish, unpublish, delete, move, scheduled publishing, images,
documents, terms, imports) makes one, so the next answer in every locale, fallback rows
included, is computed afresh and old answers age out with their timeout. Content also changes
with no write when a `go_live_at` or `expire_at` passes; the generation records the next such
moment (`cms.changes.next_scheduled_change`) and a request after it starts a new generation.
A generation is a random token rather than a counter, so a cache that lost it (restart,
eviction) can never bring old answers back.

Only what is the same for everyone may be stored: `cached_view` stores a GET view's 200
answers for requests without a session cookie; the GraphQL view decides for itself.
"""

import functools
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control

from cms import changes

logger = logging.getLogger(__name__)

GENERATION_KEY = "public:generation"
ANSWER_PREFIX = "public:answer:"
#: Headers a stored answer keeps besides its body and type.
KEPT_HEADERS = ("Content-Disposition", "Link", "Content-Language", "Last-Modified")


def cache():
    return caches[settings.GRAPHQL_RESPONSE_CACHE_ALIAS]


def enabled():
    return settings.GRAPHQL_RESPONSE_CACHE_SECONDS > 0


# Generations


def _new_generation():
    """A fresh token, with the next moment at which time alone changes what is public."""
    at = changes.next_scheduled_change()
    state = {"token": secrets.token_hex(8), "until": at.timestamp() if at else None}
    cache().set(GENERATION_KEY, state, timeout=None)
    return state


def _current(state):
    """The generation's token, starting a new generation when there is none or its time has
    passed."""
    until = state and state["until"]
    if state is None or (until is not None and timezone.now().timestamp() >= until):
        state = _new_generation()
    return state["token"]


def current_generation():
    return _current(cache().get(GENERATION_KEY))


def new_generation(**kwargs):
    """Receiver of content_changed: every answer cached so far is from the past. A cache that
    cannot be reached is logged, not raised: the write that announced the change stands."""
    if enabled():
        try:
            cache().delete(GENERATION_KEY)
        except Exception:
            logger.exception("Could not start a new generation of cached answers")


# Answers


@dataclass(frozen=True)
class Answer:
    body: bytes
    etag: str
    content_type: str = "application/json"
    headers: tuple = ()


def etag_of(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cached_answer(key):
    """(generation, Answer or None) for a request key, in one cache round trip: the answer is
    stored with the generation it was made in and counts only in that one. When the cache
    cannot be reached the generation is None: the request is answered afresh, not stored."""
    try:
        found = cache().get_many([GENERATION_KEY, ANSWER_PREFIX + key])
        generation = _current(found.get(GENERATION_KEY))
    except Exception:
        logger.warning("Cached answers unavailable", exc_info=True)
        return None, None
    stored = found.get(ANSWER_PREFIX + key)
    if stored is None or stored[0] != generation:
        return generation, None
    return generation, Answer(*stored[1:])


def store_answer(generation, key, body, content_type="application/json", headers=()):
    """Store an answer made in `generation`. An answer whose generation ended while it was made
    (a publish meanwhile) is not stored: it may show what was there before."""
    answer = Answer(body, etag_of(body), content_type, tuple(headers))
    if generation is None:
        return answer
    try:
        if (cache().get(GENERATION_KEY) or {}).get("token") == generation:
            cache().set(
                ANSWER_PREFIX + key,
                (generation, answer.body, answer.etag, answer.content_type, answer.headers),
                timeout=settings.GRAPHQL_RESPONSE_CACHE_SECONDS,
            )
    except Exception:
        logger.warning("Could not store an answer", exc_info=True)
    return answer


def etag_matches(if_none_match, etag):
    """If-None-Match holds the ETag (weak comparison, as RFC 9110 prescribes for it)."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
    return etag.removeprefix("W/") in tags


def answer_response(request, answer, state):
    """The response for an answer: 304 when the client holds it, with its ETag either way."""
    if etag_matches(request.headers.get("If-None-Match"), answer.etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(answer.body, content_type=answer.content_type)
        for name, value in answer.headers:
            response[name] = value
    response["ETag"] = answer.etag
    response["X-Cache"] = state
    return response


def shareable(request):
    """A request whose answer is everyone's: no session (editors may be shown more)."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def cached_view(view):
    """Serve a public GET view's 200 answers from the cache between publishes, keyed by path
    and query string, with an ETag and `Cache-Control: public`. Streaming answers (large open
    data files) pass through uncached: they are made to be sent as they are written."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not enabled() or not shareable(request):
            return view(request, *args, **kwargs)
        key = "view:" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
        generation, answer = cached_answer(key)
        state = "hit"
        if answer is None:
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or response.streaming or response.cookies:
                return response
            headers = [(name, response[name]) for name in KEPT_HEADERS if name in response]
            answer = store_answer(
                generation, key, response.content, response["Content-Type"], headers
            )
            state = "miss"
        response = answer_response(request, answer, state)
        patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_SECONDS)
        return response

    return wrapper
