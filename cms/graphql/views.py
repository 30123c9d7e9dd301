"""Our GraphQL view: request limits, error formatting, caching headers.

Used instead of grapple's view, which is csrf_exempt with no limits at all.
"""

import json

from django.conf import settings
from django.http import JsonResponse
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_exempt

from graphene_django.views import GraphQLView
from graphql.validation import specified_rules

from .cost import QueryCostRule
from .errors import format_error
from .validation import NoIntrospectionRule, QueryLimitsRule


def validation_rules():
    rules = [*specified_rules, QueryLimitsRule, QueryCostRule]
    if not settings.GRAPHQL_INTROSPECTION:
        rules.append(NoIntrospectionRule)
    return tuple(rules)


class CMSGraphQLView(GraphQLView):
    batch = False

    @staticmethod
    def format_error(error):
        from graphql import GraphQLError

        if isinstance(error, GraphQLError):
            return format_error(error)
        # graphene-django's HttpError: method not allowed, missing query, bad JSON.
        return {"message": str(error), "extensions": {"code": "BAD_REQUEST"}}

    def dispatch(self, request, *args, **kwargs):
        self.validation_rules = validation_rules()
        too_large = self._too_large(request)
        if too_large:
            return too_large
        response = super().dispatch(request, *args, **kwargs)
        if self._cacheable(request, response):
            patch_cache_control(response, public=True, max_age=settings.GRAPHQL_CACHE_SECONDS)
        else:
            patch_cache_control(response, private=True, no_store=True)
        return response

    @staticmethod
    def _too_large(request):
        if request.method == "GET":
            size = len(request.GET.get("query", "").encode())
        else:
            size = len(request.body)
        if size > settings.GRAPHQL_MAX_QUERY_BYTES:
            return JsonResponse(
                {
                    "errors": [
                        {
                            "message": f"The request is {size} bytes; the limit is "
                            f"{settings.GRAPHQL_MAX_QUERY_BYTES}.",
                            "extensions": {"code": "QUERY_TOO_COMPLEX"},
                        }
                    ]
                },
                status=400,
            )
        return None

    @staticmethod
    def _cacheable(request, response):
        """Public GET answers may be cached; previews, errors and POSTs never are."""
        if request.method != "GET" or response.status_code != 200:
            return False
        if getattr(request, "is_preview", False):
            return False
        try:
            return "errors" not in json.loads(response.content)
        except ValueError:
            return False


graphql_view = csrf_exempt(CMSGraphQLView.as_view(graphiql=settings.GRAPHQL_GRAPHIQL))
