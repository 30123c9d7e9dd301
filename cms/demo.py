"""The demo content `manage.py seed_demo` loads, kept apart from the code that saves it.

Three kinds of records live here:

- the real ones from the network's 2020-2022 Erasmus+ project (its five partners and three
  meetings), with only the facts the network gave about them; where the demo had to fill in
  (support types, times, two organisers) the comments above PARTNERS and MEETINGS say so;
- hand-written fictional ones (social enterprises, library pages) that show every field, each
  saying in its summary that it is demo data;
- generators for synthetic bulk records: pure functions of a `random.Random` and an index, so
  that record 42 is the same record whatever else exists and however often the seed runs.

Text that is translated into Danish is written as `Text(english, danish)` next to the English,
so that the Danish strings cannot drift away from the source they translate. Plain strings in
translated content (names, figures) stay the same in Danish.
"""

import datetime
import re
import uuid
from dataclasses import dataclass

from directory import vocabularies


@dataclass(frozen=True)
class Text:
    en: str
    da: str


_BLOCK_ELEMENT = re.compile(r"<(?:p|li)>(.*?)</(?:p|li)>", re.S)


def english(value):
    """The English version of a structure holding `Text` values."""
    if isinstance(value, Text):
        return value.en
    if isinstance(value, dict):
        return {key: english(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(english(item) for item in value)
    return value


def danish_strings(value, strings=None):
    """Map every English string of a structure to its Danish translation."""
    strings = {} if strings is None else strings
    if isinstance(value, Text) and _BLOCK_ELEMENT.match(value.en):
        # Rich text: wagtail-localize translates each paragraph and list item on its own.
        english_parts = _BLOCK_ELEMENT.findall(value.en)
        danish_parts = _BLOCK_ELEMENT.findall(value.da)
        strings.update(zip(english_parts, danish_parts, strict=True))
    elif isinstance(value, Text):
        strings[value.en] = value.da
    elif isinstance(value, str):
        strings.setdefault(value, value)
    elif isinstance(value, dict):
        for item in value.values():
            danish_strings(item, strings)
    elif isinstance(value, list | tuple):
        for item in value:
            danish_strings(item, strings)
    return strings


def rich_text(*elements):
    """Rich text from ("p", text) and ("ul"/"ol", [text, ...]) elements.

    wagtail-localize extracts one segment per paragraph and list item, so each element's text is
    what a translator sees; inline <b> and <i> survive extraction unchanged (links would not).
    """
    html = []
    for tag, content in elements:
        if tag == "p":
            html.append(f"<p>{content}</p>")
        else:
            items = "".join(f"<li>{item}</li>" for item in content)
            html.append(f"<{tag}>{items}</{tag}>")
    return "".join(html)


def translated_rich_text(*elements):
    return Text(rich_text(*english(elements)), rich_text(*_danish_elements(elements)))


def _danish_elements(elements):
    for tag, content in elements:
        if tag == "p":
            yield tag, content.da if isinstance(content, Text) else content
        else:
            yield tag, [item.da if isinstance(item, Text) else item for item in content]


# Countries ---------------------------------------------------------------------------------

# Per country: the working language, the time zone events are announced in, a few cities
# (name, latitude, longitude) and the legal forms social enterprises there commonly use
# (stored form, name pattern).
COUNTRIES = {
    "DK": {
        "name": "Denmark",
        "language": "da",
        "time_zone": "Europe/Copenhagen",
        "cities": [
            ("København", 55.676100, 12.568300),
            ("Aarhus", 56.157200, 10.210700),
            ("Odense", 55.403800, 10.402400),
            ("Aalborg", 57.048800, 9.921700),
            ("Esbjerg", 55.476500, 8.459400),
        ],
        "legal_forms": [("ApS", "{} ApS"), ("A/S", "{} A/S"), ("forening", "Foreningen {}")],
        "statuses": ["dk-rsv", "dk-rsv", "none"],
        "stems": [
            "Grønne Hænder",
            "Fællesværket",
            "Nye Veje",
            "Cykelstalden",
            "Bydelskøkkenet",
            "Genbrugsstuen",
            "Håndværkerhuset",
            "Trædestenen",
            "Kaffeladen",
            "Havefolket",
        ],
    },
    "PL": {
        "name": "Poland",
        "language": "pl",
        "time_zone": "Europe/Warsaw",
        "cities": [
            ("Gdańsk", 54.352000, 18.646600),
            ("Gdynia", 54.518900, 18.530500),
            ("Szczecin", 53.428500, 14.552800),
            ("Elbląg", 54.156100, 19.404500),
            ("Słupsk", 54.464100, 17.028500),
        ],
        "legal_forms": [
            ("spółdzielnia socjalna", "Spółdzielnia Socjalna „{}”"),
            ("fundacja", "Fundacja „{}”"),
            ("stowarzyszenie", "Stowarzyszenie „{}”"),
        ],
        "statuses": ["pl-social-enterprise", "pl-social-enterprise", "none"],
        "stems": [
            "Razem",
            "Nowy Start",
            "Zielona Przystań",
            "Dobre Ręce",
            "Wspólny Stół",
            "Bursztyn",
            "Most",
            "Ogród Miejski",
            "Otwarte Drzwi",
            "Kuźnia",
        ],
    },
    "LT": {
        "name": "Lithuania",
        "language": "lt",
        "time_zone": "Europe/Vilnius",
        "cities": [
            ("Vilnius", 54.687200, 25.279700),
            ("Kaunas", 54.898500, 23.903600),
            ("Klaipėda", 55.703300, 21.144300),
            ("Šiauliai", 55.934900, 23.313700),
            ("Panevėžys", 55.737300, 24.357000),
        ],
        "legal_forms": [
            ("VšĮ", "VšĮ „{}”"),
            ("UAB", "UAB „{}”"),
            ("asociacija", "Asociacija „{}”"),
        ],
        "statuses": ["lt-social-enterprise", "none"],
        "stems": [
            "Gerumo dirbtuvės",
            "Antras šansas",
            "Bendras stalas",
            "Žalias kiemas",
            "Rankų darbas",
            "Naujas kelias",
            "Tiltas",
            "Saulėgrąža",
            "Kartu",
            "Drobė",
        ],
    },
    "LV": {
        "name": "Latvia",
        "language": "lv",
        "time_zone": "Europe/Riga",
        "cities": [
            ("Rīga", 56.949600, 24.105200),
            ("Liepāja", 56.504700, 21.010800),
            ("Cēsis", 57.311900, 25.270600),
            ("Jelgava", 56.651100, 23.721400),
            ("Ventspils", 57.389400, 21.560600),
        ],
        "legal_forms": [("SIA", "SIA „{}”"), ("biedrība", "Biedrība „{}”")],
        "statuses": ["lv-social-enterprise", "lv-social-enterprise", "none"],
        "stems": [
            "Otrā elpa",
            "Kopā",
            "Zaļais pagalms",
            "Labās rokas",
            "Jaunais ceļš",
            "Tilts",
            "Darbnīca",
            "Saules maize",
            "Dzintars",
            "Mājas virtuve",
        ],
    },
    "EE": {
        "name": "Estonia",
        "language": "et",
        "time_zone": "Europe/Tallinn",
        "cities": [
            ("Tallinn", 59.437000, 24.753600),
            ("Tartu", 58.378000, 26.729000),
            ("Pärnu", 58.385900, 24.497100),
            ("Narva", 59.377700, 28.190300),
            ("Viljandi", 58.363900, 25.590000),
        ],
        "legal_forms": [("MTÜ", "MTÜ {}"), ("OÜ", "{} OÜ"), ("SA", "SA {}")],
        "statuses": ["none"],
        "stems": [
            "Hoolivad Käed",
            "Uus Algus",
            "Roheline Hoov",
            "Ühine Laud",
            "Sild",
            "Töötuba",
            "Heategu",
            "Kodukohvik",
            "Merevaik",
            "Taaskasutus",
        ],
    },
    "SE": {
        "name": "Sweden",
        "language": "sv",
        "time_zone": "Europe/Stockholm",
        "cities": [
            ("Stockholm", 59.329300, 18.068600),
            ("Göteborg", 57.708900, 11.974600),
            ("Malmö", 55.605000, 13.003800),
            ("Uppsala", 59.858600, 17.638900),
            ("Visby", 57.634800, 18.294800),
        ],
        "legal_forms": [
            ("ekonomisk förening", "{} ekonomisk förening"),
            ("AB", "{} AB"),
            ("ideell förening", "Föreningen {}"),
        ],
        "statuses": ["none"],
        "stems": [
            "Nya Vägar",
            "Gröna Händer",
            "Bron",
            "Verkstan",
            "Köket",
            "Tillsammans",
            "Återbruket",
            "Stadsodlarna",
            "Cykelköket",
            "Andra Chansen",
        ],
    },
    "FI": {
        "name": "Finland",
        "language": "fi",
        "time_zone": "Europe/Helsinki",
        "cities": [
            ("Helsinki", 60.169900, 24.938400),
            ("Turku", 60.451800, 22.266600),
            ("Tampere", 61.497800, 23.761000),
            ("Oulu", 65.012100, 25.465100),
            ("Vaasa", 63.096000, 21.615800),
        ],
        "legal_forms": [("osuuskunta", "Osuuskunta {}"), ("Oy", "{} Oy"), ("ry", "{} ry")],
        "statuses": ["none"],
        "stems": [
            "Uusi Alku",
            "Vihreä Piha",
            "Yhteinen Pöytä",
            "Silta",
            "Kierrätyspaja",
            "Hyvät Kädet",
            "Toinen Mahdollisuus",
            "Kaupunkiviljelijät",
            "Tuike",
            "Meripihka",
        ],
    },
    "DE": {
        "name": "Germany",
        "language": "de",
        "time_zone": "Europe/Berlin",
        "cities": [
            ("Rostock", 54.092400, 12.099100),
            ("Kiel", 54.323300, 10.122800),
            ("Lübeck", 53.865500, 10.686600),
            ("Greifswald", 54.096300, 13.387800),
            ("Hamburg", 53.551100, 9.993700),
        ],
        "legal_forms": [("gGmbH", "{} gGmbH"), ("eG", "{} eG"), ("e.V.", "{} e.V.")],
        "statuses": ["none"],
        "stems": [
            "Neue Wege",
            "Grüne Hände",
            "Brücke",
            "Werkbank",
            "Gemeinsam",
            "Zweite Chance",
            "Stadtgarten",
            "Fahrradküche",
            "Tafelrunde",
            "Bernstein",
        ],
    },
    "NO": {
        "name": "Norway",
        "language": "nb",
        "time_zone": "Europe/Oslo",
        "cities": [
            ("Oslo", 59.913900, 10.752200),
            ("Bergen", 60.391300, 5.322100),
            ("Trondheim", 63.430500, 10.395100),
            ("Kristiansand", 58.146700, 7.995600),
        ],
        "legal_forms": [("AS", "{} AS"), ("SA", "{} SA"), ("stiftelse", "Stiftelsen {}")],
        "statuses": ["none"],
        "stems": [
            "Nye Veier",
            "Grønne Hender",
            "Broen",
            "Verkstedet",
            "Sammen",
            "Andre Sjanse",
            "Bydelskjøkkenet",
            "Sykkelkjøkkenet",
        ],
    },
}

# Weights: the five partner countries carry most of the directory, as on the old site.
COUNTRY_WEIGHTS = {"DK": 4, "PL": 4, "LT": 3, "LV": 3, "EE": 3, "SE": 2, "FI": 2, "DE": 2, "NO": 1}


# Real records: the 2020-2022 project ---------------------------------------------------------

# Names, countries, cities and their part in the project are the network's facts; support types,
# offers and needs are the demo's reading of their names and role, for the partners to correct
# in the admin.
PROJECT = "Erasmus+ project No. 2020-1-EE01-KA204-077999 (September 2020 - August 2022)"

PARTNERS = [
    {
        "slug": "biser",
        "name": ("Stowarzyszenie „Bałtycki Instytut Spraw Europejskich i Regionalnych” (BISER)"),
        "country": "PL",
        "city": "Gdańsk",
        "latitude": "54.352000",
        "longitude": "18.646600",
        "languages": ["pl", "en"],
        "summary": (
            "Association in Gdańsk working on European and regional affairs around the Baltic "
            "Sea. Partner of the network's 2020-2022 Erasmus+ project; hosted the mid-term "
            "partner meeting in January 2022."
        ),
        "description": rich_text(
            (
                "p",
                "The Baltic Institute for European and Regional Affairs is an association "
                "(stowarzyszenie) based in Gdańsk.",
            ),
            ("p", f"Partner of the Social Enterprise Support Network in the {PROJECT}."),
        ),
        "support_types": ["network", "advisory"],
        "countries_served": ["PL"],
        "offers": ["eu-project-partner", "training"],
        "needs": ["eu-project-partner", "research"],
    },
    {
        "slug": "sed",
        "name": "Sociale Entreprenører i Danmark (SED)",
        "country": "DK",
        "city": "",
        "latitude": None,
        "longitude": None,
        "languages": ["da", "en"],
        "summary": (
            "Danish association of social entrepreneurs. Partner of the network's 2020-2022 "
            "Erasmus+ project."
        ),
        "description": rich_text(
            (
                "p",
                "Sociale Entreprenører i Danmark (Social Entrepreneurs in Denmark) brings "
                "social entrepreneurs in Denmark together.",
            ),
            ("p", f"Partner of the Social Enterprise Support Network in the {PROJECT}."),
        ),
        "support_types": ["network"],
        "countries_served": ["DK"],
        "offers": ["mentoring", "eu-project-partner"],
        "needs": ["funding", "research"],
    },
    {
        "slug": "socialiniu-investiciju-fondas",
        "name": "Socialinių investicijų fondas",
        "country": "LT",
        "city": "",
        "latitude": None,
        "longitude": None,
        "languages": ["lt", "en"],
        "summary": (
            "Lithuanian partner of the network's 2020-2022 Erasmus+ project; the name means "
            "Social Investment Fund."
        ),
        "description": rich_text(
            (
                "p",
                "Socialinių investicijų fondas (Social Investment Fund) works with social "
                "enterprises in Lithuania.",
            ),
            ("p", f"Partner of the Social Enterprise Support Network in the {PROJECT}."),
        ),
        "support_types": ["foundation", "advisory"],
        "countries_served": ["LT"],
        "offers": ["mentoring", "impact-measurement"],
        "needs": ["eu-project-partner"],
    },
    {
        "slug": "socialas-inovacijas-centrs",
        "name": "Sociālās inovācijas centrs (Social Innovation Centre)",
        "country": "LV",
        "city": "Rīga",
        "latitude": "56.949600",
        "longitude": "24.105200",
        "languages": ["lv", "en"],
        "summary": (
            "Social Innovation Centre in Riga. Partner of the network's 2020-2022 Erasmus+ "
            "project."
        ),
        "description": rich_text(
            ("p", "Sociālās inovācijas centrs (Social Innovation Centre) is based in Riga."),
            ("p", f"Partner of the Social Enterprise Support Network in the {PROJECT}."),
        ),
        "support_types": ["advisory", "network"],
        "countries_served": ["LV"],
        "offers": ["training", "research"],
        "needs": ["eu-project-partner", "funding"],
    },
    {
        "slug": "involved-ngo",
        "name": "Involved NGO",
        "country": "EE",
        "city": "",
        "latitude": None,
        "longitude": None,
        "languages": ["et", "en"],
        "summary": "Estonian NGO. Partner of the network's 2020-2022 Erasmus+ project.",
        "description": rich_text(
            ("p", "Involved NGO is a non-governmental organisation in Estonia."),
            ("p", f"Partner of the Social Enterprise Support Network in the {PROJECT}."),
        ),
        "support_types": ["network", "advisory"],
        "countries_served": ["EE"],
        "offers": ["training", "volunteers"],
        "needs": ["eu-project-partner"],
    },
]

# The project's meetings, in the local time they were announced in. The network gave the day of
# the Gdańsk meeting, "end of May / start of June" for the workshop and the month of the final
# meeting; the other days and all times are the demo's placeholders. Organisers other than
# BISER are the partner of the host country.
MEETINGS = [
    {
        "slug": "sesn-mid-term-partner-meeting-2022",
        "title": "Mid-term partner meeting",
        "summary": (
            "Mid-term meeting of the network's 2020-2022 Erasmus+ project: partners from three "
            "countries met in Gdańsk, the Danish and Estonian partners joined online."
        ),
        "description": rich_text(
            (
                "p",
                "The partners reviewed the first half of the project and planned its second "
                "half: the shared database, the library and the development workshop.",
            ),
            ("p", PROJECT + "."),
        ),
        "start": (datetime.datetime(2022, 1, 24, 10, 0), "Europe/Warsaw"),
        "end": datetime.datetime(2022, 1, 24, 16, 0),
        "format": "hybrid",
        "event_type": "meeting",
        "topics": ["collaboration", "social-entrepreneurship"],
        "country": "PL",
        "city": "Gdańsk",
        "latitude": "54.352000",
        "longitude": "18.646600",
        "organiser": "biser",
    },
    {
        "slug": "sesn-development-workshop-2022",
        "title": "Development workshop",
        "summary": (
            "Two-day workshop of the network's 2020-2022 Erasmus+ project in Denmark, developing "
            "the network's materials and tools with the partners."
        ),
        "description": rich_text(
            (
                "p",
                "The partners tested teaching materials and collaboration tools for social "
                "entrepreneurs and agreed what goes into the library.",
            ),
            ("p", PROJECT + "."),
        ),
        "start": (datetime.datetime(2022, 6, 1, 9, 30), "Europe/Copenhagen"),
        "end": datetime.datetime(2022, 6, 2, 15, 0),
        "format": "in_person",
        "event_type": "workshop",
        "topics": ["business-models", "collaboration", "education"],
        "country": "DK",
        "city": "",
        "latitude": None,
        "longitude": None,
        "organiser": "sed",
    },
    {
        "slug": "sesn-final-evaluation-meeting-2022",
        "title": "Final evaluation meeting",
        "summary": (
            "Closing meeting of the network's 2020-2022 Erasmus+ project in Lithuania: the "
            "partners evaluated the project's results and planned how the network continues."
        ),
        "description": rich_text(
            ("p", "Evaluation of the project's results and the next steps of the network."),
            ("p", PROJECT + "."),
        ),
        "start": (datetime.datetime(2022, 8, 25, 10, 0), "Europe/Vilnius"),
        "end": datetime.datetime(2022, 8, 25, 16, 0),
        "format": "in_person",
        "event_type": "meeting",
        "topics": ["collaboration", "impact-measurement"],
        "country": "LT",
        "city": "",
        "latitude": None,
        "longitude": None,
        "organiser": "socialiniu-investiciju-fondas",
    },
]


# Fictional social enterprises ----------------------------------------------------------------

DEMO_NOTE = "Fictional demo record."

_BIKES_DESCRIPTION = (
    (
        "p",
        Text(
            "Bicycles left behind in courtyards and at the railway station are collected in "
            "agreement with the municipality, repaired in the workshop and sold with a "
            "six-month guarantee.",
            "Cykler, der er efterladt i gårde og ved banegården, indsamles efter aftale med "
            "kommunen, repareres på værkstedet og sælges med seks måneders garanti.",
        ),
    ),
    (
        "p",
        Text(
            "Every trainee has a mentor and works towards a recognised certificate as a "
            "bicycle mechanic.",
            "Alle praktikanter har en mentor og arbejder hen imod et anerkendt bevis som "
            "cykelmekaniker.",
        ),
    ),
    (
        "p",
        Text(
            "This enterprise is fictional: it is demo data created by seed_demo.",
            "Denne virksomhed er fiktiv: den er demodata oprettet af seed_demo.",
        ),
    ),
)

# The enterprise translated into Danish through wagtail-localize.
DANISH_ENTERPRISE = "demo-genbrugscyklen-aarhus"

ENTERPRISES = [
    {
        "slug": DANISH_ENTERPRISE,
        "name": "Genbrugscyklen Aarhus ApS",
        "summary": Text(
            "Repairs and sells second-hand bicycles in Aarhus and gives people far from the "
            f"labour market paid work and training. {DEMO_NOTE}",
            "Reparerer og sælger brugte cykler i Aarhus og giver mennesker langt fra "
            "arbejdsmarkedet lønnet arbejde og oplæring. Fiktiv demopost.",
        ),
        "description": translated_rich_text(*_BIKES_DESCRIPTION),
        "country": "DK",
        "city": "Aarhus",
        "coordinates": ("56.157200", "10.210700"),
        "legal_form": "ApS",
        "recognised_status": "dk-rsv",
        "founded_year": 2016,
        "employees": 14,
        "sectors": ["G", "S"],
        "sdgs": [8, 11, 12],
        "target_groups": ["long-term-unemployed", "people-with-addictions"],
        "offers": ["training", "supplier"],
        "needs": ["premises", "customer"],
    },
    {
        "slug": "demo-kawiarnia-przystan",
        "name": "Spółdzielnia Socjalna „Kawiarnia Przystań”",
        "summary": (
            "Café and catering by the harbour in Gdynia, run by a social cooperative of people "
            f"with disabilities. {DEMO_NOTE}"
        ),
        "country": "PL",
        "city": "Gdynia",
        "coordinates": ("54.518900", "18.530500"),
        "legal_form": "spółdzielnia socjalna",
        "recognised_status": "pl-social-enterprise",
        "founded_year": 2014,
        "employees": 11,
        "sectors": ["I"],
        "sdgs": [8, 10],
        "target_groups": ["people-with-disabilities"],
        "offers": ["supplier"],
        "needs": ["funding", "mentoring"],
    },
    {
        "slug": "demo-fundacja-zielony-dziedziniec",
        "name": "Fundacja „Zielony Dziedziniec”",
        "summary": (
            "Turns courtyards in Szczecin into shared vegetable gardens and teaches young people "
            f"to grow food. {DEMO_NOTE}"
        ),
        "country": "PL",
        "city": "Szczecin",
        "coordinates": ("53.428500", "14.552800"),
        "legal_form": "fundacja",
        "recognised_status": "none",
        "founded_year": 2019,
        "employees": 6,
        "sectors": ["A", "P"],
        "sdgs": [2, 4, 11],
        "target_groups": ["youth"],
        "offers": ["volunteers", "training"],
        "needs": ["eu-project-partner", "funding"],
    },
    {
        "slug": "demo-antrasis-audinys",
        "name": "VšĮ „Antrasis audinys”",
        "summary": (
            "Sews bags and workwear from donated textiles in Vilnius, employing women who came "
            f"to Lithuania as refugees. {DEMO_NOTE}"
        ),
        "country": "LT",
        "city": "Vilnius",
        "coordinates": ("54.687200", "25.279700"),
        "legal_form": "VšĮ",
        "recognised_status": "lt-social-enterprise",
        "founded_year": 2018,
        "employees": 9,
        "sectors": ["C", "G"],
        "sdgs": [5, 10, 12],
        "target_groups": ["migrants-and-refugees", "women"],
        "offers": ["supplier"],
        "needs": ["distribution", "customer"],
    },
    {
        "slug": "demo-darbo-dirbtuves-kaunas",
        "name": "UAB „Darbo dirbtuvės Kaunas”",
        "summary": (
            "Packaging and light assembly for manufacturers around Kaunas, with adapted jobs for "
            f"people with disabilities. {DEMO_NOTE}"
        ),
        "country": "LT",
        "city": "Kaunas",
        "coordinates": ("54.898500", "23.903600"),
        "legal_form": "UAB",
        "recognised_status": "lt-social-enterprise",
        "founded_year": 2011,
        "employees": 42,
        "sectors": ["C", "N"],
        "sdgs": [8, 10],
        "target_groups": ["people-with-disabilities"],
        "seeking_partners": False,
        "offers": [],
        "needs": [],
    },
    {
        "slug": "demo-otra-elpa",
        "name": "SIA „Otrā elpa”",
        "summary": (
            "Restores old furniture in Riga with people who have been out of work for a long "
            f"time or have left prison. {DEMO_NOTE}"
        ),
        "country": "LV",
        "city": "Rīga",
        "coordinates": ("56.949600", "24.105200"),
        "legal_form": "SIA",
        "recognised_status": "lv-social-enterprise",
        "founded_year": 2017,
        "employees": 8,
        "sectors": ["C"],
        "sdgs": [8, 12],
        "target_groups": ["long-term-unemployed", "people-leaving-prison"],
        "offers": ["training"],
        "needs": ["premises", "mentoring"],
    },
    {
        "slug": "demo-lauku-virtuve",
        "name": "SIA „Lauku virtuve”",
        "summary": (
            "Women from farms around Cēsis make jams, soups and pickles from local produce and "
            f"sell them in Riga. {DEMO_NOTE}"
        ),
        "country": "LV",
        "city": "Cēsis",
        "coordinates": ("57.311900", "25.270600"),
        "legal_form": "SIA",
        "recognised_status": "lv-social-enterprise",
        "founded_year": 2020,
        "employees": 5,
        "sectors": ["C", "A"],
        "sdgs": [2, 5, 8],
        "target_groups": ["women", "rural-communities"],
        "offers": ["supplier"],
        "needs": ["distribution", "funding"],
    },
    {
        "slug": "demo-hoolivad-naabrid",
        "name": "MTÜ Hoolivad Naabrid",
        "summary": (
            "Home help, shopping and companionship for older people in Tartu, by trained "
            f"neighbours and volunteers. {DEMO_NOTE}"
        ),
        "country": "EE",
        "city": "Tartu",
        "coordinates": ("58.378000", "26.729000"),
        "legal_form": "MTÜ",
        "recognised_status": "none",
        "founded_year": 2015,
        "employees": 23,
        "sectors": ["Q"],
        "sdgs": [3, 10],
        "target_groups": ["older-people"],
        "offers": ["volunteers"],
        "needs": ["funding", "impact-measurement"],
    },
    {
        "slug": "demo-digiabi",
        "name": "Digiabi OÜ",
        "summary": (
            "Refurbishes donated laptops in Tallinn and teaches older people and newcomers to "
            f"use them. {DEMO_NOTE}"
        ),
        "country": "EE",
        "city": "Tallinn",
        "coordinates": ("59.437000", "24.753600"),
        "legal_form": "OÜ",
        "recognised_status": "none",
        "founded_year": 2021,
        "employees": 4,
        "sectors": ["J", "P"],
        "sdgs": [4, 12],
        "target_groups": ["older-people", "migrants-and-refugees"],
        "offers": ["training"],
        "needs": ["eu-project-partner", "supplier"],
    },
    {
        "slug": "demo-koket-pa-hisingen",
        "name": "Köket på Hisingen ekonomisk förening",
        "summary": (
            "Catering cooperative in Gothenburg where women new to Sweden cook lunches for "
            f"offices and schools. {DEMO_NOTE}"
        ),
        "country": "SE",
        "city": "Göteborg",
        "coordinates": ("57.708900", "11.974600"),
        "legal_form": "ekonomisk förening",
        "recognised_status": "none",
        "founded_year": 2013,
        "employees": 18,
        "sectors": ["I"],
        "sdgs": [5, 8, 10],
        "target_groups": ["migrants-and-refugees", "women"],
        "seeking_partners": False,
        "offers": [],
        "needs": [],
    },
    {
        "slug": "demo-osuuskunta-kierratyspaja",
        "name": "Osuuskunta Kierrätyspaja",
        "summary": (
            "Repairs furniture and electronics for resale in Turku and trains young people for "
            f"their first job. {DEMO_NOTE}"
        ),
        "country": "FI",
        "city": "Turku",
        "coordinates": ("60.451800", "22.266600"),
        "legal_form": "osuuskunta",
        "recognised_status": "none",
        "founded_year": 2012,
        "employees": 16,
        "sectors": ["C", "E"],
        "sdgs": [8, 12],
        "target_groups": ["long-term-unemployed", "youth"],
        "offers": ["training", "eu-project-partner"],
        "needs": ["customer"],
    },
    {
        "slug": "demo-werkbank-rostock",
        "name": "Werkbank Rostock gGmbH",
        "summary": (
            "Carpentry workshop in Rostock that builds garden furniture and gives people leaving "
            f"prison a job and a reference. {DEMO_NOTE}"
        ),
        "country": "DE",
        "city": "Rostock",
        "coordinates": ("54.092400", "12.099100"),
        "legal_form": "gGmbH",
        "recognised_status": "none",
        "founded_year": 2010,
        "employees": 27,
        "sectors": ["C"],
        "sdgs": [8, 16],
        "target_groups": ["people-leaving-prison"],
        "offers": ["eu-project-partner"],
        "needs": ["mentoring", "customer"],
    },
]


# Library pages -------------------------------------------------------------------------------
#
# Bodies are StreamField data: lists of {"type", "value"} as Wagtail stores them. Pages marked
# `danish` are translated through wagtail-localize, so all their text is `Text`.


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def paragraph(*elements):
    return {"type": "paragraph", "value": translated_rich_text(*elements)}


def quote(text, attribution=""):
    return {"type": "quote", "value": {"text": text, "attribution": attribution}}


def key_figures(heading_text, *figures, new_id=lambda: str(uuid.uuid4())):
    """ListBlock items carry ids (Wagtail's block format): wagtail-localize translates only
    items that have one."""
    items = [
        {"type": "item", "value": {"figure": figure, "caption": caption}, "id": new_id()}
        for figure, caption in figures
    ]
    return {"type": "key_figures", "value": {"heading": heading_text, "figures": items}}


def call_to_action(title, text, link_label, *, page=None, url=""):
    """`page` names a page of this module by its key; the command puts in its id."""
    return {
        "type": "call_to_action",
        "value": {
            "title": title,
            "text": text,
            "link_label": link_label,
            "page": page,
            "url": url,
        },
    }


HOME_DANISH = {
    "title": Text("Social Enterprise Support Network", "Social Enterprise Support Network"),
    "slug": Text("home", "hjem"),
    "intro": Text(
        "The knowledge and networking hub for social entrepreneurs around the Baltic Sea.",
        "Videns- og netværksplatformen for sociale iværksættere omkring Østersøen.",
    ),
}

LIBRARY = {
    "key": "library",
    "title": Text("Library", "Bibliotek"),
    "slug": Text("library", "bibliotek"),
    "intro": Text(
        "Articles, teaching materials and tools for social entrepreneurs, educators and support "
        "organisations around the Baltic Sea.",
        "Artikler, undervisningsmaterialer og værktøjer til sociale iværksættere, undervisere og "
        "støtteorganisationer omkring Østersøen.",
    ),
    "body": [
        paragraph(
            (
                "p",
                Text(
                    "Everything here is free to use and share. Material that partners wrote in "
                    "their own language comes with an English summary.",
                    "Alt her er frit at bruge og dele. Materiale, som partnerne har skrevet på "
                    "deres eget sprog, har et engelsk resumé.",
                ),
            )
        )
    ],
}

ABOUT = {
    "key": "about",
    "title": Text("About the network", "Om netværket"),
    "slug": Text("about", "om-netvaerket"),
    "intro": Text(
        "The Social Enterprise Support Network brings together the organisations that support "
        "social enterprises around the Baltic Sea.",
        "Social Enterprise Support Network samler de organisationer, der støtter "
        "socialøkonomiske virksomheder omkring Østersøen.",
    ),
    "body": [
        heading(Text("Who we are", "Hvem vi er")),
        paragraph(
            (
                "p",
                Text(
                    "Support organisations from Denmark, Poland, Lithuania, Latvia and Estonia, "
                    "and earlier also from Finland, Sweden, Norway and Germany, have run the "
                    "network together since 2014 with funding from Erasmus+.",
                    "Støtteorganisationer fra Danmark, Polen, Litauen, Letland og Estland – og "
                    "tidligere også fra Finland, Sverige, Norge og Tyskland – har drevet "
                    "netværket sammen siden 2014 med støtte fra Erasmus+.",
                ),
            ),
            (
                "p",
                Text(
                    "The platform is for social entrepreneurs looking for knowledge and "
                    "partners, and for support organisations, educators, municipalities and "
                    "NGOs.",
                    "Platformen er for sociale iværksættere, der søger viden og "
                    "samarbejdspartnere, og for støtteorganisationer, undervisere, kommuner og "
                    "NGO'er.",
                ),
            ),
        ),
        key_figures(
            Text("The network in figures", "Netværket i tal"),
            (
                "400+",
                Text(
                    "social-economy enterprises in the database",
                    "socialøkonomiske virksomheder i databasen",
                ),
            ),
            ("12", Text("countries around the Baltic Sea", "lande omkring Østersøen")),
            ("2014", Text("the year the network started", "året, hvor netværket startede")),
        ),
        heading(Text("The 2020-2022 project", "Projektet 2020-2022")),
        paragraph(
            (
                "p",
                Text(
                    "From September 2020 to August 2022 five partners worked together in the "
                    "Erasmus+ project No. 2020-1-EE01-KA204-077999:",
                    "Fra september 2020 til august 2022 arbejdede fem partnere sammen i "
                    "Erasmus+-projektet nr. 2020-1-EE01-KA204-077999:",
                ),
            ),
            (
                "ul",
                [
                    Text("BISER, Gdańsk (Poland)", "BISER, Gdańsk (Polen)"),
                    Text(
                        "Sociale Entreprenører i Danmark (Denmark)",
                        "Sociale Entreprenører i Danmark (Danmark)",
                    ),
                    Text(
                        "Socialinių investicijų fondas (Lithuania)",
                        "Socialinių investicijų fondas (Litauen)",
                    ),
                    Text(
                        "Sociālās inovācijas centrs, Riga (Latvia)",
                        "Sociālās inovācijas centrs, Riga (Letland)",
                    ),
                    Text("Involved NGO (Estonia)", "Involved NGO (Estland)"),
                ],
            ),
        ),
        call_to_action(
            Text("Find knowledge and partners", "Find viden og samarbejdspartnere"),
            Text(
                "Articles, teaching materials and tools from the network.",
                "Artikler, undervisningsmaterialer og værktøjer fra netværket.",
            ),
            Text("Open the library", "Åbn biblioteket"),
            page="library",
        ),
    ],
}

ARTICLE_SOCIAL = {
    "key": "article-social",
    "kind": "article",
    "date": datetime.date(2022, 3, 15),
    "countries": ["DK", "PL", "LT", "LV", "EE"],
    "topics": ["social-entrepreneurship", "business-models"],
    "authors": [("SESN editorial team", "Social Enterprise Support Network")],
    "related_enterprises": [DANISH_ENTERPRISE, "demo-otra-elpa"],
    "title": Text(
        "What makes an enterprise social? Five questions to ask",
        "Hvad gør en virksomhed social? Fem spørgsmål at stille",
    ),
    "slug": Text("what-makes-an-enterprise-social", "hvad-goer-en-virksomhed-social"),
    "intro": Text(
        "Legal forms and registers differ from country to country around the Baltic Sea. These "
        "five questions help you recognise a social enterprise wherever it is registered.",
        "Selskabsformer og registre er forskellige fra land til land omkring Østersøen. Disse "
        "fem spørgsmål hjælper dig med at genkende en socialøkonomisk virksomhed, uanset hvor "
        "den er registreret.",
    ),
    "body": [
        heading(Text("Five questions", "Fem spørgsmål")),
        paragraph(
            (
                "p",
                Text(
                    "A Danish ApS, a Latvian SIA and a Polish social cooperative can all be "
                    "social enterprises. What they share is not a legal form but a way of "
                    "working:",
                    "Et dansk ApS, et lettisk SIA og et polsk socialt kooperativ kan alle være "
                    "socialøkonomiske virksomheder. Det, de har til fælles, er ikke en "
                    "selskabsform, men en måde at arbejde på:",
                ),
            ),
            (
                "ol",
                [
                    Text(
                        "<b>Purpose:</b> is a social or environmental aim written into its "
                        "statutes?",
                        "<b>Formål:</b> står der et socialt eller miljømæssigt formål i "
                        "vedtægterne?",
                    ),
                    Text(
                        "<b>Trade:</b> does it earn a real share of its income by selling goods "
                        "or services?",
                        "<b>Handel:</b> tjener den en reel del af sine indtægter ved at sælge "
                        "varer eller tjenesteydelser?",
                    ),
                    Text(
                        "<b>Profits:</b> are most profits reinvested in the purpose rather than "
                        "paid out?",
                        "<b>Overskud:</b> bliver det meste af overskuddet geninvesteret i "
                        "formålet i stedet for at blive udbetalt?",
                    ),
                    Text(
                        "<b>Governance:</b> do employees, users or the community have a say?",
                        "<b>Ledelse:</b> har medarbejdere, brugere eller lokalsamfundet "
                        "indflydelse?",
                    ),
                    Text(
                        "<b>Independence:</b> is it independent of public authorities?",
                        "<b>Uafhængighed:</b> er den uafhængig af offentlige myndigheder?",
                    ),
                ],
            ),
        ),
        heading(
            Text(
                "Registers help, but they are not the whole picture",
                "Registre hjælper, men de viser ikke hele billedet",
            )
        ),
        paragraph(
            (
                "p",
                Text(
                    "Denmark keeps a register of social enterprises (RSV), and Latvia, "
                    "Lithuania and Poland grant a legal social-enterprise status. Many social "
                    "enterprises in the region have no such status at all, so the database "
                    "records the status apart from the legal form.",
                    "Danmark har et register for socialøkonomiske virksomheder (RSV), og "
                    "Letland, Litauen og Polen giver en juridisk status som socialøkonomisk "
                    "virksomhed. Mange socialøkonomiske virksomheder i regionen har slet ingen "
                    "sådan status, så databasen registrerer status adskilt fra selskabsformen.",
                ),
            ),
        ),
        quote(
            Text(
                "Ask what the enterprise does with its profits, and you learn most of what you "
                "need to know.",
                "Spørg, hvad virksomheden gør med sit overskud, så ved du det meste af det, du "
                "har brug for at vide.",
            ),
            Text("A mentor in the network", "En mentor i netværket"),
        ),
    ],
}

ARTICLE_IMPACT = {
    "key": "article-impact",
    "kind": "article",
    "date": datetime.date(2022, 5, 10),
    "countries": [],
    "topics": ["impact-measurement"],
    "authors": [("SESN editorial team", "Social Enterprise Support Network")],
    "title": "Measuring impact without a research department",
    "slug": "measuring-impact-without-a-research-department",
    "intro": (
        "Impact measurement does not have to be a consultancy project. A small social "
        "enterprise can start with its theory of change and three indicators."
    ),
    "body": [
        heading("Start from your theory of change"),
        paragraph(
            (
                "p",
                "Write down, in one sentence each, the problem you work on, what you do about it "
                "and what changes for people as a result. The indicators follow from the last "
                "sentence, not from a list of what is easy to count.",
            )
        ),
        heading("Three indicators are enough to begin"),
        paragraph(
            ("p", "Choose one indicator for each level and collect it every quarter:"),
            (
                "ul",
                [
                    "<b>Output:</b> what you did (trainees taken in, meals served).",
                    "<b>Outcome:</b> what changed for them (jobs found, skills certified).",
                    "<b>Impact:</b> what changed around them (lower benefit costs, less waste).",
                ],
            ),
        ),
        key_figures(
            "Example: a year in a (fictional) bicycle workshop",
            ("14", "trainees taken in"),
            ("9", "found work within six months"),
            ("1,200", "bicycles kept out of the scrap yard"),
        ),
        quote(
            "Funders read three honest numbers more gladly than thirty pages of methodology.",
            "A support organisation's advisor",
        ),
        call_to_action(
            "Meet the partners online",
            "Discuss your indicators with other social enterprises in the network.",
            "How we meet online",
            page="tool-jitsi",
        ),
    ],
}

TEACHING_CANVAS = {
    "key": "teaching-canvas",
    "title": "Business model canvas for social enterprises: a three-hour workshop",
    "slug": "business-model-canvas-for-social-enterprises",
    "intro": (
        "A workshop plan for educators and support organisations: participants map a social "
        "enterprise's business model and its impact model on one canvas."
    ),
    "topics": ["business-models", "education"],
    "audience": ["educators", "support_staff", "entrepreneurs"],
    "level": "beginner",
    "format": "workshop_plan",
    "duration_minutes": 180,
    "material_languages": ["en"],
    "licence": "cc-by-sa-4.0",
    "learning_outcomes": [
        "describe the customers and the beneficiaries of a social enterprise, and tell them apart",
        "explain how a social enterprise pays for its social mission",
        "present a business model canvas with an impact section to peers",
    ],
    "body": [
        heading("How the workshop runs"),
        paragraph(
            (
                "ol",
                [
                    "<b>Introduction (20 minutes):</b> the canvas and its two extra boxes, "
                    "beneficiaries and impact.",
                    "<b>Group work (90 minutes):</b> groups of four fill in a canvas for a real "
                    "or fictional enterprise.",
                    "<b>Gallery walk (40 minutes):</b> groups present and others add questions "
                    "on sticky notes.",
                    "<b>Reflection (30 minutes):</b> what would the enterprise change first?",
                ],
            ),
        ),
        heading("What you need"),
        paragraph(
            (
                "p",
                "A printed canvas in A1 per group, sticky notes in two colours, and one example "
                "enterprise from the directory for groups without their own idea.",
            )
        ),
        quote(
            "The beneficiaries box started the best discussion of the day.",
            "A trainer who tested the plan",
        ),
    ],
}

TOOL_JITSI = {
    "key": "tool-jitsi",
    "title": "Jitsi Meet for online partner meetings",
    "slug": "jitsi-meet",
    "intro": (
        "Open-source video meetings in the browser, without accounts: useful when partners in "
        "several countries join a meeting online."
    ),
    "topics": ["digital-tools", "collaboration"],
    "category": "online_collaboration",
    "website": "https://jitsi.org/jitsi-meet/",
    "pricing": "free",
    "open_source": True,
    "platforms": ["web", "android", "ios"],
    "body": [
        heading("Why we use it"),
        paragraph(
            (
                "p",
                "Guests join with a link and a browser, so a partner organisation does not need "
                "to install anything or create an account. Organisations that need control over "
                "their data can run their own server.",
            )
        ),
        heading("Tips for hybrid meetings", "h3"),
        paragraph(
            (
                "ul",
                [
                    "Put one laptop with a good microphone in the middle of the room.",
                    "Share the agenda in the chat before you start.",
                    "Give the people online the first word in each round.",
                ],
            )
        ),
        call_to_action(
            "Try it",
            "Start a test meeting in your browser.",
            "Open Jitsi Meet",
            url="https://meet.jit.si/",
        ),
    ],
}

ARTICLES = [ARTICLE_SOCIAL, ARTICLE_IMPACT]
# Translated into Danish (after the home page), in this order: a page's parent before the page,
# and a page before the pages that link to it.
DANISH_PAGES = [LIBRARY, ABOUT, ARTICLE_SOCIAL]


# Synthetic records -------------------------------------------------------------------------

# (what it is, what it does, sectors, SDGs, target groups)
ACTIVITIES = [
    (
        "bicycle workshop",
        "Repairs and sells second-hand bicycles",
        ["S", "G"],
        [8, 11, 12],
        ["long-term-unemployed", "youth"],
    ),
    ("café", "Runs a café and a lunch canteen", ["I"], [8, 10], ["people-with-disabilities"]),
    (
        "catering company",
        "Cooks and delivers lunches for offices and events",
        ["I"],
        [5, 8, 10],
        ["migrants-and-refugees", "women"],
    ),
    (
        "second-hand shop",
        "Runs second-hand shops for clothes and furniture",
        ["G"],
        [1, 12],
        ["long-term-unemployed"],
    ),
    (
        "furniture workshop",
        "Restores and upcycles old furniture",
        ["C"],
        [8, 12],
        ["people-leaving-prison"],
    ),
    (
        "laundry",
        "Runs an industrial laundry for hotels and care homes",
        ["S"],
        [8, 10],
        ["people-with-disabilities"],
    ),
    (
        "cleaning company",
        "Cleans offices and stairwells",
        ["N"],
        [8, 10],
        ["migrants-and-refugees"],
    ),
    (
        "urban farm",
        "Grows vegetables on urban plots for local restaurants",
        ["A"],
        [2, 11, 15],
        ["youth"],
    ),
    (
        "IT refurbisher",
        "Refurbishes used laptops and phones",
        ["J", "E"],
        [4, 12],
        ["people-with-disabilities", "youth"],
    ),
    (
        "print studio",
        "Designs and prints posters, books and packaging",
        ["C", "M"],
        [8],
        ["people-with-disabilities"],
    ),
    (
        "home care service",
        "Provides home help and companionship for older people",
        ["Q"],
        [3, 10],
        ["older-people"],
    ),
    (
        "training centre",
        "Offers language courses and job training",
        ["P"],
        [4, 8],
        ["long-term-unemployed", "migrants-and-refugees"],
    ),
    (
        "guesthouse",
        "Runs a guesthouse and guided nature tours",
        ["I", "R"],
        [8, 11],
        ["rural-communities"],
    ),
    (
        "textile workshop",
        "Collects textiles and sews them into new products",
        ["E", "C"],
        [12, 13],
        ["women"],
    ),
    (
        "bakery",
        "Bakes bread and pastries for shops and cafés",
        ["C", "G"],
        [2, 8],
        ["people-with-addictions"],
    ),
    (
        "gardening company",
        "Maintains parks, gardens and cemeteries",
        ["N", "A"],
        [11, 15],
        ["people-leaving-prison", "long-term-unemployed"],
    ),
    (
        "digital skills school",
        "Teaches digital skills in libraries and community centres",
        ["P", "J"],
        [4, 10],
        ["older-people"],
    ),
    (
        "community theatre",
        "Runs theatre and music workshops",
        ["R"],
        [3, 4, 10],
        ["youth", "people-with-disabilities"],
    ),
    (
        "energy cooperative",
        "Owns solar panels and sells the power to its members",
        ["D"],
        [7, 13],
        ["rural-communities"],
    ),
    (
        "food bank",
        "Collects surplus food from shops and redistributes it",
        ["G", "H"],
        [2, 12],
        ["homeless-people"],
    ),
    (
        "housing project",
        "Rents and manages flats for people leaving homelessness",
        ["L", "Q"],
        [1, 11],
        ["homeless-people"],
    ),
    (
        "transport service",
        "Runs accessible transport to shops and doctors",
        ["H"],
        [10, 11],
        ["older-people", "people-with-disabilities"],
    ),
    (
        "microcredit fund",
        "Advises and lends small sums to women starting a business",
        ["K", "M"],
        [1, 5, 8],
        ["women"],
    ),
    ("boatyard", "Builds and repairs boats with young people", ["C"], [4, 14], ["youth"]),
]

COLLABORATION_SLUGS = [slug for slug, _name in vocabularies.COLLABORATION_TERMS]
TOPIC_SLUGS = [slug for slug, _name in vocabularies.TOPICS]
TOPIC_NAMES = dict(vocabularies.TOPICS)


def weighted_country(rng):
    countries = list(COUNTRY_WEIGHTS)
    return rng.choices(countries, weights=[COUNTRY_WEIGHTS[c] for c in countries])[0]


def jitter(rng, value, spread=0.04):
    return f"{value + rng.uniform(-spread, spread):.6f}"


def block_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def synthetic_enterprise(rng, index):
    """Field values and relation codes of synthetic enterprise number `index`."""
    country = weighted_country(rng)
    info = COUNTRIES[country]
    city, latitude, longitude = rng.choice(info["cities"])
    legal_form, pattern = rng.choice(info["legal_forms"])
    stem = rng.choice(info["stems"])
    # Names repeat less, and read like real ones, when many carry their town.
    name = pattern.format(f"{stem} {city}" if rng.random() < 0.6 else stem)
    _label, activity, sectors, sdgs, target_groups = rng.choice(ACTIVITIES)
    # Some enterprises do a second thing, which gives them a second sector and more SDGs.
    if rng.random() < 0.3:
        _label, _other, more_sectors, more_sdgs, _groups = rng.choice(ACTIVITIES)
        sectors = sorted({*sectors, more_sectors[0]})
        sdgs = sorted({*sdgs, *more_sdgs[:1]})
    slug = f"demo-enterprise-{index:05d}"
    seeking = rng.random() < 0.45
    offers = rng.sample(COLLABORATION_SLUGS, rng.randint(1, 3)) if seeking else []
    needs = (
        rng.sample([s for s in COLLABORATION_SLUGS if s not in offers], rng.randint(1, 3))
        if seeking
        else []
    )
    groups = " and ".join(g.replace("-", " ") for g in target_groups)
    return {
        "slug": slug,
        "name": name,
        "summary": (
            f"{activity} in {city}. Works with {groups}. Synthetic demo record generated by "
            "seed_demo."
        ),
        "description": rich_text(
            ("p", f"{activity} in {city}, {info['name']}."),
            ("p", "This record is synthetic: seed_demo generated it to fill the directory."),
        ),
        "country": country,
        "city": city,
        "latitude": jitter(rng, latitude),
        "longitude": jitter(rng, longitude),
        "website": f"https://{slug}.example",
        "email": f"info@{slug}.example",
        "languages": sorted({info["language"], "en"}),
        "legal_form": legal_form,
        "recognised_status": rng.choice(info["statuses"]),
        "founded_year": rng.randint(1995, 2024),
        "employees": int(rng.triangular(2, 150, 8)),
        "seeking_partners": seeking,
        "sectors": sectors,
        "sdgs": sdgs,
        "target_groups": target_groups,
        "offers": offers,
        "needs": needs,
    }


# (event type, title pattern, usual length in hours, usual formats)
EVENT_KINDS = [
    ("conference", "{country} social economy conference {year}", 8, ["in_person", "hybrid"]),
    ("forum", "Baltic Sea social enterprise forum in {city}", 7, ["in_person", "hybrid"]),
    ("workshop", "Workshop: {topic} for social entrepreneurs", 3, ["in_person"]),
    ("seminar", "Seminar on {topic_lower} for municipalities", 4, ["in_person", "hybrid"]),
    ("webinar", "Webinar: {topic} in practice", 1.5, ["online"]),
    ("training", "Training: {topic} for support organisations", 6, ["in_person", "online"]),
    ("meeting", "Network meeting of support organisations in {city}", 3, ["hybrid", "in_person"]),
    ("networking", "Social entrepreneurs' networking evening in {city}", 3, ["in_person"]),
]

VENUES = [
    "Town hall",
    "Community centre",
    "Public library",
    "University campus",
    "Innovation hub",
    "House of culture",
]
ENGLISH_SUMMARY = "Held in {language}. {summary}"
LANGUAGE_NAMES = {
    "da": "Danish",
    "de": "German",
    "et": "Estonian",
    "fi": "Finnish",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nb": "Norwegian",
    "pl": "Polish",
    "sv": "Swedish",
}


def synthetic_event(rng, index, today):
    """Field values and relation codes of synthetic event number `index`.

    Dates are counted from `today` so that the demo calendar always has events to come; every
    other value depends only on the seed and the index.
    """
    country = weighted_country(rng)
    info = COUNTRIES[country]
    city, latitude, longitude = rng.choice(info["cities"])
    event_type, pattern, hours, formats = rng.choice(EVENT_KINDS)
    topics = rng.sample(TOPIC_SLUGS, rng.randint(1, 3))
    day = today + datetime.timedelta(days=rng.randint(-540, 365))
    start = datetime.datetime.combine(day, datetime.time(rng.choice([9, 10, 13, 14, 17]), 0))
    if event_type == "webinar":
        start = start.replace(hour=rng.choice([10, 14]))
    end = start + datetime.timedelta(hours=hours)
    if event_type == "conference" and rng.random() < 0.5:
        end += datetime.timedelta(days=1)
    event_format = rng.choice(formats)
    roll = rng.random()
    status = (
        "cancelled"
        if roll < 0.04
        else "postponed"
        if roll < 0.07
        else "moved_online"
        if roll < 0.10 and event_format == "in_person"
        else "scheduled"
    )
    language = "en" if rng.random() < 0.6 else info["language"]
    title = pattern.format(
        country=info["name"],
        city=city,
        year=day.year,
        topic=TOPIC_NAMES[topics[0]],
        topic_lower=TOPIC_NAMES[topics[0]].lower(),
    )
    summary = (
        f"{TOPIC_NAMES[topics[0]]} for social entrepreneurs and support organisations"
        f"{'' if event_format == 'online' else f' in {city}'}. Synthetic demo event."
    )
    slug = f"demo-event-{index:05d}"
    online = event_format in ("online", "hybrid") or status == "moved_online"
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "description": rich_text(("p", summary)),
        "language": language,
        "english_summary": (
            ENGLISH_SUMMARY.format(language=LANGUAGE_NAMES[language], summary=summary)
            if language != "en"
            else ""
        ),
        "start": start,
        "end": end,
        "time_zone": info["time_zone"],
        "format": event_format,
        "status": status,
        "event_type": event_type,
        "topics": topics,
        "country": country,
        "city": "" if event_format == "online" else city,
        "venue": "" if event_format == "online" else rng.choice(VENUES),
        "latitude": None if event_format == "online" else jitter(rng, latitude, 0.02),
        "longitude": None if event_format == "online" else jitter(rng, longitude, 0.02),
        "online_url": f"https://meet.example/{slug}" if online else "",
        "registration_url": f"https://events.example/{slug}/register",
        # An index into PARTNERS or None: a third of the events have a partner as organiser.
        "organiser": rng.randrange(len(PARTNERS)) if rng.random() < 0.33 else None,
    }


PAGE_SUBJECTS = [
    ("social-entrepreneurship", "Starting a social enterprise in {country}"),
    ("impact-measurement", "Measuring the impact of a {activity}"),
    ("business-models", "Business models that work: {activity}"),
    ("funding", "Funding for social enterprises in {country}"),
    ("collaboration", "How a {activity} found its partners"),
    ("digital-tools", "Digital tools for a small {activity}"),
    ("public-procurement", "Selling to municipalities in {country}"),
    ("work-integration", "Work integration in a {activity}"),
    ("circular-economy", "Circular economy in practice: {activity}"),
    ("education", "Teaching social entrepreneurship in {country}"),
]

SENTENCES = [
    "Partners from {country} shared what worked for them and what they would do differently.",
    "The first year is usually the hardest: customers, staff and funders all need convincing.",
    "Public procurement rules allow social clauses, but buyers often do not know how to use them.",
    "A clear theory of change makes every later decision easier to explain.",
    "Volunteers help most when their tasks are as well defined as those of the staff.",
    "Networks across the Baltic Sea make it easier to find a partner for an EU project.",
    "Most social enterprises in the region combine sales with grants in their first years.",
    "Mentors from established enterprises are the support that entrepreneurs value most.",
]

TOOL_CATEGORIES = [
    "collaboration",
    "online_collaboration",
    "project_management",
    "impact_measurement",
    "business_planning",
    "fundraising",
    "communication",
]
TOOL_NAMES = ["Planboard", "Impactly", "Teamdeck", "Fundpath", "Canvasly", "Meetbox", "Storyloop"]
MATERIAL_FORMATS = [
    "course",
    "workshop_plan",
    "handbook",
    "exercise",
    "slides",
    "video",
    "case_study",
]
AUDIENCE_CODES = [
    "entrepreneurs",
    "educators",
    "support_staff",
    "students",
    "public_sector",
    "ngos",
]
PLATFORM_CODES = ["web", "windows", "macos", "linux", "ios", "android", "paper"]
LICENCES = ["cc-by-4.0", "cc-by-sa-4.0", "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "cc0-1.0"]
PAGE_TYPES = ["article", "teaching", "tool"]


def synthetic_page(rng, index, today):
    """Type, field values and topic codes of synthetic library page number `index`."""
    page_type = PAGE_TYPES[index % len(PAGE_TYPES)]
    country = weighted_country(rng)
    info = COUNTRIES[country]
    topic, pattern = rng.choice(PAGE_SUBJECTS)
    subject = pattern.format(country=info["name"], activity=rng.choice(ACTIVITIES)[0])
    paragraphs = rng.sample(SENTENCES, 3)
    body = [
        {"type": "heading", "value": {"text": "What you will find here", "level": "h2"}},
        {
            "type": "paragraph",
            "value": rich_text(
                ("p", " ".join(p.format(country=info["name"]) for p in paragraphs))
            ),
        },
        {
            "type": "quote",
            "value": {
                "text": rng.choice(SENTENCES).format(country=info["name"]),
                "attribution": f"A support organisation in {info['name']}",
            },
        },
    ]
    if rng.random() < 0.5:
        body.append(
            key_figures(
                "In numbers",
                (str(rng.randint(3, 400)), "enterprises involved"),
                (f"{rng.randint(10, 90)}%", "still trading after five years"),
                new_id=lambda: block_id(rng),
            )
        )
    body.append(
        {
            "type": "call_to_action",
            "value": {
                "title": "Find partners",
                "text": "Look for enterprises and support organisations with the same interests.",
                "link_label": "Search the directory",
                "page": None,
                "url": "https://sesn.example/directory/",
            },
        }
    )
    for block in body:
        block["id"] = block_id(rng)

    common = {
        "slug": f"demo-page-{index:05d}",
        "intro": f"{subject}: experience from social enterprises around the Baltic Sea. "
        "Synthetic demo page.",
        "body": body,
        "topics": sorted({topic, rng.choice(TOPIC_SLUGS)}),
    }
    if page_type == "article":
        return page_type, {
            **common,
            "title": subject,
            "kind": rng.choice(["article", "article", "case_study", "report", "news"]),
            "date": today - datetime.timedelta(days=rng.randint(0, 8 * 365)),
            "countries": [country],
        }
    if page_type == "teaching":
        material_format = rng.choice(MATERIAL_FORMATS)
        return page_type, {
            **common,
            "title": f"{subject} ({material_format.replace('_', ' ')})",
            "audience": sorted(rng.sample(AUDIENCE_CODES, rng.randint(1, 3))),
            "level": rng.choice(["beginner", "intermediate", "advanced"]),
            "format": material_format,
            "duration_minutes": rng.choice([45, 90, 180, 360, 720]),
            "learning_outcomes": [
                {
                    "type": "outcome",
                    "value": {"text": f"explain {TOPIC_NAMES[topic].lower()} to a colleague"},
                    "id": block_id(rng),
                }
            ],
            "material_languages": sorted({"en", info["language"]}),
            "licence": rng.choice(LICENCES),
        }
    tool = rng.choice(TOOL_NAMES)
    return page_type, {
        **common,
        "title": f"{tool} for {TOPIC_NAMES[topic].lower()}",
        "category": rng.choice(TOOL_CATEGORIES),
        "website": f"https://{tool.lower()}.example",
        "pricing": rng.choice(["free", "freemium", "paid", "nonprofit_discount"]),
        "open_source": rng.random() < 0.3,
        "platforms": sorted(rng.sample(PLATFORM_CODES, rng.randint(1, 4))),
    }
