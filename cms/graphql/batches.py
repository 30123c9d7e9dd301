"""Lists load their nested fields in batches, without DataLoaders (broken in graphene-django 3).

A list resolver marks its items as one batch; the first item whose relation or `translations`
is resolved loads it for every item of the batch in one query (`cms.graphql.fields`,
`cms.translation.schema`), so the cost does not grow with the length of the list.
"""


def share_batch(items):
    """Mark `items` as resolved together, so nested fields load for all of them at once.

    Each item's batch holds only the items of its own class: relations and translation rows
    belong to a model, and a list may mix models (pages of every type, partner matches of both
    kinds of entry). A batch mixing them made the first relation resolved fail for the whole
    list. Returns `items` unchanged.
    """
    by_class = {}
    for item in items:
        by_class.setdefault(type(item), []).append(item)
    for group in by_class.values():
        for item in group:
            item._batch = group
    return items
