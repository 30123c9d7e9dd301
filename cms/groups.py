"""What each editorial group may do, said where administrators list and edit groups.

The groups come from migrations (cms/migrations 0002, 0003, 0005); their names alone do not say
that the language groups publish and the plain Translators group does not, so the group list
has a column for it and the group editor shows it above the permissions. The README's
"Editorial roles" says the same.
"""

import re

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from wagtail.admin.ui.tables import Column
from wagtail.users.views import groups

LANGUAGE_GROUP = re.compile(r"^Translators: (?P<language>.+) \((?P<code>[a-z-]+)\)$")

ROLES = {
    "Editors": _(
        "Write pages and directory entries (enterprises, organisations, events, vocabularies) "
        "and submit them for moderation. Never publish."
    ),
    "Moderators": _(
        "Everything editors do, plus approve, publish, unpublish and delete. They receive the "
        "moderation e-mails."
    ),
    "Translators": _(
        "Translate and edit pages and directory entries in every language, English included, "
        "and submit them for moderation. Never publish: a moderator publishes their work. For "
        "translators who work in several languages or whose work is reviewed first."
    ),
}


def group_role(name):
    """What the group named `name` may do, or "" for a group the migrations did not make."""
    if name in ROLES:
        return ROLES[name]
    match = LANGUAGE_GROUP.match(name)
    if match:
        return _(
            "Translate and publish %(language)s content only: pages, directory entries, events "
            "and vocabulary labels in %(language)s. Cannot change or publish English or any "
            "other language."
        ) % {"language": match["language"]}
    return ""


class IndexView(groups.IndexView):
    columns = [
        *groups.IndexView.columns,
        # A context: without it, every catalog's "May" would also be the month in dates.
        Column(
            "role",
            label=pgettext_lazy("what a group may do", "May"),
            accessor=lambda group: group_role(group.name),
        ),
    ]


class EditView(groups.EditView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "group_role": group_role(self.object.name)}


class GroupViewSet(groups.GroupViewSet):
    index_view_class = IndexView
    edit_view_class = EditView
