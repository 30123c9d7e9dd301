"""Machine translation through DeepL or LibreTranslate, chosen from the environment.

`cms/settings/base.py` picks the class (`WAGTAILLOCALIZE_MACHINE_TRANSLATOR`). These subclasses
of wagtail-localize's translators differ in one way: a service that cannot be reached, refuses
the key or answers something unreadable raises `MachineTranslationError` with a message a
translator can act on. wagtail-localize's own classes let a KeyError or an HTTP exception
through, which its view turns into a server error; cms.translation.permissions shows our
message instead, and nothing is saved (translations are written only after the service answers).
"""

from django.utils.translation import gettext as _

from wagtail_localize.machine_translators import deepl, libretranslate
from wagtail_localize.strings import StringValue

import requests


class MachineTranslationError(Exception):
    """The translation service did not translate; the message says why, for the translator."""


def _post(service, url, **kwargs):
    try:
        response = requests.post(url, **kwargs)
    except requests.RequestException as error:
        raise MachineTranslationError(
            _("%(service)s could not be reached (%(error)s). Nothing was translated.")
            % {"service": service, "error": type(error).__name__}
        ) from error
    if response.status_code in (401, 403):
        raise MachineTranslationError(
            _("%(service)s refused the API key. Nothing was translated.") % {"service": service}
        )
    if response.status_code in (429, 456):
        raise MachineTranslationError(
            _("%(service)s says the usage limit is reached. Nothing was translated.")
            % {"service": service}
        )
    if response.status_code != 200:
        raise MachineTranslationError(
            _("%(service)s answered with an error (HTTP %(status)s). Nothing was translated.")
            % {"service": service, "status": response.status_code}
        )
    try:
        return response.json()
    except ValueError as error:
        raise MachineTranslationError(
            _("%(service)s sent an answer that is not JSON. Nothing was translated.")
            % {"service": service}
        ) from error


def _pair(service, strings, texts):
    """Match the service's texts to the strings sent, refusing an answer of the wrong shape."""
    if not isinstance(texts, list) or len(texts) != len(strings):
        raise MachineTranslationError(
            _("%(service)s sent an incomplete answer. Nothing was translated.")
            % {"service": service}
        )
    return dict(zip(strings, texts, strict=True))


class DeepLTranslator(deepl.DeepLTranslator):
    """DeepL; a key ending in ":fx" uses the free API (wagtail-localize picks the address)."""

    def translate(self, source_locale, target_locale, strings):
        strings = list(strings)
        answer = _post(
            self.display_name,
            self.get_api_endpoint(),
            data=self.get_parameters(source_locale, target_locale, strings),
            headers=self.get_headers(),
            timeout=int(self.options.get("TIMEOUT", 30)),
        )
        translations = answer.get("translations") if isinstance(answer, dict) else None
        try:
            texts = [item["text"] for item in translations]
        except (TypeError, KeyError) as error:
            raise MachineTranslationError(
                _("DeepL sent an answer without translations. Nothing was translated.")
            ) from error
        return {
            string: StringValue(text)
            for string, text in _pair(self.display_name, strings, texts).items()
        }


class LibreTranslator(libretranslate.LibreTranslator):
    """A LibreTranslate server (self-hosted or libretranslate.com, which needs an API key)."""

    def translate(self, source_locale, target_locale, strings):
        strings = list(strings)
        answer = _post(
            self.display_name,
            self.get_api_endpoint().rstrip("/") + "/translate",
            json={
                "q": [string.data for string in strings],
                "source": self.language_code(source_locale.language_code),
                "target": self.language_code(target_locale.language_code),
                "api_key": self.options.get("API_KEY", ""),
                "format": "html",
            },
            timeout=self.get_timeout(),
        )
        texts = answer.get("translatedText") if isinstance(answer, dict) else None
        return {
            string: StringValue(text)
            for string, text in _pair(self.display_name, strings, texts).items()
        }
