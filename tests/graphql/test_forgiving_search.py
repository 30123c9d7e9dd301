"""Forgiving search through /graphql/: accents, word forms and small typos (cms/search_text.py).

Every test runs on SQLite and on PostgreSQL. What PostgreSQL alone does (the stemmers of
da de en fi lt nb sv) is marked `postgres_only`; SQLite matches every word as a prefix instead.
Words are from Polish, Latvian, Estonian, Lithuanian, Danish, German, English, Finnish and
Swedish entries.
"""

from django.db import connection

import pytest

from cms.search_text import fold
from tests import factories

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's stemmers"
)

ENTERPRISES = """
query($search: String, $locale: Locale) {
  enterprises(search: $search, locale: $locale) { totalCount items { slug } }
}
"""

PAGES = """
query($search: String) { pages(search: $search) { totalCount items { title } } }
"""

ROOT = """
query($query: String!) { search(query: $query) { kind title score } }
"""


def entries(gql, search, locale=None):
    variables = {"search": search, **({"locale": locale} if locale else {})}
    result = gql(ENTERPRISES, variables)
    assert "errors" not in result, result
    listed = result["data"]["enterprises"]
    assert listed["totalCount"] == len(listed["items"])
    return {item["slug"] for item in listed["items"]}


def titles(gql, query):
    result = gql(ROOT, {"query": query})
    assert "errors" not in result, result
    return [hit["title"] for hit in result["data"]["search"]]


def page_titles(gql, search):
    result = gql(PAGES, {"search": search})
    assert "errors" not in result, result
    return [item["title"] for item in result["data"]["pages"]["items"]]


def entry(slug, name, summary, city="Kaunas", **fields):
    return factories.SocialEnterpriseFactory(
        slug=slug, name=name, summary=summary, city=city, **fields
    )


@pytest.fixture
def directory():
    entry("amber", "Bursztyn Gdańsk", "Biżuteria z bursztynu znad Bałtyku.", city="Gdańsk")
    entry("weavers", "Tkalnia Łódź", "Szyjemy torby z odzysku.", city="Łódź")
    entry("workshops", "Sociālās darbnīcas", "Sociālās uzņēmējdarbības centrs.", city="Rīga")
    entry("plain-latvian", "Socialas Rigas", "Written without its accents.", city="Riga")
    entry("reuse", "Tallinna Taaskasutuskeskus", "Kasutatud mööbel ja riided.", city="Tallinn")
    entry("kitchen", "Straßenküche", "Ein soziales Unternehmen in Kiel.", city="Kiel")
    entry("bakers", "Fælles Bageri", "En social virksomhed i Aarhus.", city="Aarhus")
    entry("makers", "Copenhagen Makers", "A cooperative enterprise.", city="Copenhagen")
    entry("cafe", "Kahvila Toivo", "Pienet yritykset työllistävät.", city="Tampere")
    entry("garden", "Stadsodling", "Ett socialt företag i Malmö.", city="Malmö")
    entry("hidden", "Gdańsk Archive", "Szyjemy torby.", city="Gdańsk", live=False)


def test_fold_strips_marks_and_the_letters_nfkd_keeps():
    assert fold("Łódź Gdańsk Sociālās") == "lodz gdansk socialas"
    assert fold("Ørsted Æble Straße Đakovo") == "orsted aeble strasse dakovo"


def test_accents_are_forgiven_both_ways(gql, directory):
    assert entries(gql, "Gdansk") == {"amber"}
    assert entries(gql, "gdańsk") == {"amber"}
    assert entries(gql, "Lodz") == {"weavers"}
    assert entries(gql, "ŁÓDŹ") == {"weavers"}
    # PostgreSQL's stemmers also make "social" of it, which Danish and Swedish entries have.
    assert {"workshops", "plain-latvian"} <= entries(gql, "Socialas")
    assert entries(gql, "Sociālās") == entries(gql, "Socialas")
    assert "workshops" in entries(gql, "uznemejdarbibas")
    assert entries(gql, "strassenkuche") == {"kitchen"}
    assert entries(gql, "faelles") == {"bakers"}


def test_words_are_prefixes_for_languages_without_a_stemmer(gql, directory):
    assert entries(gql, "Tallinn") == {"reuse"}  # Estonian "Tallinna"
    assert entries(gql, "torb") == {"weavers"}  # Polish "torby"
    assert entries(gql, "darbnic") == {"workshops"}  # Latvian "darbnīcas"
    assert entries(gql, "Biżuteria bursztyn") == {"amber"}


@postgres_only
def test_word_forms_go_through_the_stemmers(gql, directory):
    assert entries(gql, "virksomheder") == {"bakers"}  # da: virksomhed
    assert entries(gql, "Unternehmens") == {"kitchen"}  # de: Unternehmen
    assert entries(gql, "enterprises") == {"makers"}  # en: enterprise
    assert entries(gql, "yrityksen") == {"cafe"}  # fi: yritykset
    assert entries(gql, "företagen") == {"garden"}  # sv: företag


def test_a_word_a_stem_cannot_reach_finds_nothing(gql, directory):
    assert entries(gql, "virksomhedsplan") == set()
    assert entries(gql, "Kaunas") == set()  # nobody's city here; no near name either


def test_a_small_typo_finds_the_name_when_nothing_is_spelt_so(gql, directory):
    assert entries(gql, "Copenhgaen") == {"makers"}
    assert entries(gql, "Taaskasutuskesus Tallin") == {"reuse"}  # each word near one
    assert titles(gql, "Copenhgaen") == ["Copenhagen Makers"]


def test_the_typo_fallback_adds_nothing_when_the_words_match(gql, directory):
    entry("misspelt", "Copenhgen Bikes", "Bicycles repaired.", city="Odense")
    assert entries(gql, "Copenhagen") == {"makers"}
    assert titles(gql, "Copenhagen") == ["Copenhagen Makers"]
    assert entries(gql, "Copenhgaen") == {"makers", "misspelt"}


def test_an_exact_hit_never_runs_the_typo_fallback(gql, directory, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("the typo fallback ran")

    monkeypatch.setattr("directory.schema.typo_fallback", fail)
    monkeypatch.setattr("cms.graphql.search.typo_fallback", fail)
    monkeypatch.setattr("pages.schema.typo_fallback", fail)
    factories.article(title="Copenhagen Makers: a case study", slug="case-study")
    assert entries(gql, "Copenhagen") == {"makers"}
    assert len(titles(gql, "Copenhagen")) == 2
    assert page_titles(gql, "Copenhagen") == ["Copenhagen Makers: a case study"]


def test_the_admin_finds_folded_names_too(directory):
    from directory.models import SocialEnterprise

    assert [row.slug for row in SocialEnterprise.objects.search("Lodz")] == ["weavers"]
    found = SocialEnterprise.objects.autocomplete("Łód")
    assert [row.slug for row in found] == ["weavers"]


def test_root_search_ranks_exact_hits_alone_and_near_ones_only_without_them(gql, directory):
    factories.article(title="Copenhagen Makers: a case study", slug="case-study")
    entry("misspelt", "Copenhgen Bikes", "Bicycles repaired.", city="Odense")
    hits = titles(gql, "Copenhagen")
    assert set(hits) == {"Copenhagen Makers", "Copenhagen Makers: a case study"}
    near = gql(ROOT, {"query": "Copenhgaen"})["data"]["search"]
    assert {hit["title"] for hit in near} == {
        "Copenhagen Makers",
        "Copenhgen Bikes",
        "Copenhagen Makers: a case study",
    }
    assert all(hit["score"] <= 0.01 for hit in near)  # below any exact hit's rank


def test_hidden_records_are_never_found(gql, directory):
    for search in ["Gdańsk", "Gdansk", "archive", "Archiv", "Gdnask Archvie"]:
        assert "hidden" not in entries(gql, search)
        assert "Gdańsk Archive" not in titles(gql, search)


def test_a_draft_translation_is_not_found_through_its_folded_words(gql, directory):
    source = entry("translated", "Kooperatyvas", "Bendruomenės virtuvė.", city="Vilnius")
    factories.translate_record(source, "lt", name="Slaptas Kooperatyvas Ūkis", publish=False)
    assert entries(gql, "Ukis") == set()
    assert entries(gql, "Ukis", "lt") == set()
    assert entries(gql, "bendruomenes") == {"translated"}  # lt, folded


def test_pages_forgive_accents_and_typos(gql):
    factories.article(title="Spółdzielnie socjalne w Łodzi", slug="spoldzielnie")
    factories.article(title="Measuring social impact", slug="measuring", live=False)
    assert page_titles(gql, "Lodzi spoldzielnie") == ["Spółdzielnie socjalne w Łodzi"]
    assert page_titles(gql, "Spółdzielnie") == ["Spółdzielnie socjalne w Łodzi"]
    assert page_titles(gql, "Spoldzeilnie") == ["Spółdzielnie socjalne w Łodzi"]
    assert page_titles(gql, "Measuring") == []  # a draft, even through the fallback
    assert page_titles(gql, "Measurnig") == []
    assert "Spółdzielnie socjalne w Łodzi" in titles(gql, "lodzi")


def test_events_forgive_accents_in_root_search(gql):
    factories.EventFactory(title="Targi ekonomii społecznej", city="Gdańsk")
    assert titles(gql, "spolecznej") == ["Targi ekonomii społecznej"]
    assert titles(gql, "Gdansk") == ["Targi ekonomii społecznej"]


def test_a_word_longer_than_any_lexeme_finds_nothing_without_an_error(gql, directory):
    # PostgreSQL refuses a tsquery word over 2,047 bytes; the word is left out instead.
    assert entries(gql, "ą" * 3000) == set()
    assert titles(gql, "x" * 3000) == []
    assert page_titles(gql, "Copenhagen " + "b" * 3000) == []
    assert "hidden" not in entries(gql, "Gdańsk " + "b" * 3000)
