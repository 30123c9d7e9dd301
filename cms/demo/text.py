"""Translated text and rich text as the demo data writes them.

Text that is translated into Danish is a `Text(english, danish)`, written next to the English
so that the Danish cannot drift away from the source it translates. Plain strings in
translated content (names, figures) stay the same in Danish.
"""

import re
from dataclasses import dataclass


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
    """A `Text` of the English and the Danish rich text built from the same elements."""
    return Text(rich_text(*english(elements)), rich_text(*_danish_elements(elements)))


def _danish_elements(elements):
    for tag, content in elements:
        if tag == "p":
            yield tag, content.da if isinstance(content, Text) else content
        else:
            yield tag, [item.da if isinstance(item, Text) else item for item in content]
