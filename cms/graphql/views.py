from django.conf import settings
from django.views.decorators.csrf import csrf_exempt

from graphene_django.views import GraphQLView


class CMSGraphQLView(GraphQLView):
    graphiql = False


graphql_view = csrf_exempt(CMSGraphQLView.as_view(graphiql=settings.GRAPHQL_GRAPHIQL))
