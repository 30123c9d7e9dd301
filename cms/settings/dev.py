from .base import *  # noqa: F403
from .base import env_bool, env_list

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", default=True)
GRAPHQL_GRAPHIQL = env_bool("GRAPHQL_GRAPHIQL", default=True)

# Django's own console handler (DEBUG only) and the root one would print each django.* line,
# runserver's included, twice: the root handler alone prints it.
LOGGING = {
    **LOGGING,  # noqa: F405
    "loggers": {
        **LOGGING["loggers"],  # noqa: F405
        "django": {"handlers": [], "level": LOGGING["root"]["level"]},  # noqa: F405
    },
}
