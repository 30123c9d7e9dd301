"""The demo content `manage.py seed_demo` loads, kept apart from the code that saves it.

Three kinds of records:

- the real ones from the network's 2020-2022 Erasmus+ project (its five partners and three
  meetings), with only the facts the network gave about them (`data/project.json`; where the
  demo had to fill in, `content` says so);
- hand-written fictional ones (social enterprises, library pages) that show every field, each
  saying in its summary that it is demo data (`data/enterprises.json`, `data/pages.json`);
- synthetic bulk records, made by the generators in `synthetic`.

The hand-written records are data, read by the small loader in `content`; `text` holds how
translated text and rich text are written. This module re-exports what the command uses.
"""

from cms.demo.content import (
    COUNTRIES,
    DANISH_ENTERPRISE,
    DANISH_PAGES,
    ENTERPRISES,
    HOME_DANISH,
    MEETINGS,
    PAGES,
    PARTNERS,
)
from cms.demo.synthetic import synthetic_enterprise, synthetic_event, synthetic_page
from cms.demo.text import Text, danish_strings, english

__all__ = [
    "COUNTRIES",
    "DANISH_ENTERPRISE",
    "DANISH_PAGES",
    "ENTERPRISES",
    "HOME_DANISH",
    "MEETINGS",
    "PAGES",
    "PARTNERS",
    "Text",
    "danish_strings",
    "english",
    "synthetic_enterprise",
    "synthetic_event",
    "synthetic_page",
]
