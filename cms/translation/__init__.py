"""The translation workflow, on top of wagtail-localize.

- `permissions`: translators limited to their own languages, and the checks in front of
  wagtail-localize's views (PO upload, machine translation, sync).
- `status`: what SOURCE, TRANSLATED, IN_PROGRESS, OUTDATED and MISSING mean, as SQL.
- `machine_translation`: DeepL or LibreTranslate, with errors a translator can act on.
- `report`: the "Translation status" admin report.
- `schema`: the API's side: the `translations` field of every translatable node.
"""
