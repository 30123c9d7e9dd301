"""The loader of the demo content kept as JSON in `data/`.

In the files, a translated string is an object `{"en": ..., "da": ...}` (it loads as a `Text`),
and rich text is a list of `["p", text]` and `["ul"/"ol", [text, ...]]` elements (see
`rich_text`). The files:

- `countries.json`: per country its working language, the time zone events are announced in,
  a few cities (name, latitude, longitude), the legal forms social enterprises there commonly
  use (stored form, name pattern), the recognised statuses to draw from, name stems, and its
  weight in the synthetic directory (the five partner countries carry most of it, as on the
  old site).
- `project.json`: the real partners and meetings of the network's 2020-2022 Erasmus+ project.
  Names, countries, cities and their part in the project are the network's facts; support
  types, offers and needs are the demo's reading of their names and role, for the partners to
  correct in the admin. Meetings are in the local time they were announced in: the network
  gave the day of the Gdańsk meeting, "end of May / start of June" for the workshop and the
  month of the final meeting; the other days and all times are placeholders, and organisers
  other than BISER are the partner of the host country.
- `enterprises.json`: fictional social enterprises, each saying in its summary that it is demo
  data; `translated_into_danish` names the one translated through wagtail-localize.
- `pages.json`: the library and about pages. Bodies are StreamField data, lists of
  `{"type", "value"}` as Wagtail stores them; a call to action names its page by key, and the
  command puts in its id. `translated_into_danish` lists the pages translated after the home
  page, in order: a page's parent before the page, and a page before the pages that link to
  it; all their text is translated.
- `synthetic.json`: the word lists the generators in `synthetic` draw from.
"""

import datetime
import json
import uuid
from importlib import resources

from cms.demo.text import Text, rich_text, translated_rich_text

__all__ = [
    "COUNTRIES",
    "COUNTRY_WEIGHTS",
    "DANISH_ENTERPRISE",
    "DANISH_PAGES",
    "ENTERPRISES",
    "HOME_DANISH",
    "MEETINGS",
    "PAGES",
    "PARTNERS",
    "key_figures",
    "load",
]


def load(name):
    """The data file `data/<name>.json`, with every `{"en", "da"}` object as a `Text`."""
    source = resources.files(__package__).joinpath("data", f"{name}.json")
    return json.loads(source.read_text(encoding="utf-8"), object_hook=_text)


def _text(value):
    return Text(**value) if value.keys() == {"en", "da"} else value


def key_figures(heading, figures, new_id=lambda: str(uuid.uuid4())):
    """A key figures block from `{"figure", "caption"}` items.

    ListBlock items carry ids (Wagtail's block format): wagtail-localize translates only items
    that have one.
    """
    items = [{"type": "item", "value": figure, "id": new_id()} for figure in figures]
    return {"type": "key_figures", "value": {"heading": heading, "figures": items}}


def _block(block):
    kind, value = block["type"], block["value"]
    if kind == "paragraph":
        return {"type": kind, "value": translated_rich_text(*value)}
    if kind == "key_figures":
        return key_figures(value["heading"], value["figures"])
    return block


def _page(page):
    if "body" in page:
        page["body"] = [_block(block) for block in page["body"]]
    if "date" in page:
        page["date"] = datetime.date.fromisoformat(page["date"])
    return page


def _project():
    data = load("project")
    for record in data["partners"] + data["meetings"]:
        record["description"] = rich_text(*record["description"])
    for meeting in data["meetings"]:
        meeting["start"] = datetime.datetime.fromisoformat(meeting["start"])
        meeting["end"] = datetime.datetime.fromisoformat(meeting["end"])
    return data["partners"], data["meetings"]


def _enterprises():
    data = load("enterprises")
    for enterprise in data["enterprises"]:
        if "description" in enterprise:
            enterprise["description"] = translated_rich_text(*enterprise["description"])
    return data["enterprises"], data["translated_into_danish"]


def _pages():
    data = load("pages")
    pages = {page["key"]: _page(page) for page in data["pages"]}
    danish = [pages[key] for key in data["translated_into_danish"]]
    return data["home_translated_into_danish"], pages, danish


COUNTRIES = load("countries")
COUNTRY_WEIGHTS = {code: country["weight"] for code, country in COUNTRIES.items()}
PARTNERS, MEETINGS = _project()
ENTERPRISES, DANISH_ENTERPRISE = _enterprises()
HOME_DANISH, PAGES, DANISH_PAGES = _pages()
