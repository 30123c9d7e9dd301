"""The "no, update it" form: the entry's public data, pre-filled, in the contact's language.

The form only collects; the submission's own validation (`build_enterprise` of
directory/mutations.py, the rules of `submitEnterprise`) decides what is valid, and its field
errors are shown beside these fields.
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from django_countries import countries
from graphene.utils.str_converters import to_snake_case

from cms.graphql.locales import SOURCE_LANGUAGE
from directory.jsonld import plain_text
from directory.models import Sdg, Sector, Term

TEXT_FIELDS = ["name", "summary", "description", "city", "website", "email"]
RELATIONS = {"sectors": Sector, "sdgs": Sdg, "offers": Term, "needs": Term}


def vocabulary_choices(model, language):
    """(code, label) of the English rows, each labelled in `language` where translated."""
    code = model.code_field
    labels = {}
    for value, name, row_language in model.objects.filter(
        locale__language_code__in={language, SOURCE_LANGUAGE}
    ).values_list(code, "name", "locale__language_code"):
        if row_language == language or value not in labels:
            labels[value] = name
    english = model.objects.filter(locale__language_code=SOURCE_LANGUAGE).values_list(
        code, flat=True
    )
    return [(str(value), _label(model, value, labels[value])) for value in english]


def _label(model, value, name):
    return f"{value} {name}" if model is Sector else name


def description_text(entry):
    """The rich-text description as the plain text the form shows: a blank line between
    paragraphs, as the submission reads it."""
    return "\n\n".join(plain_text(entry.description).splitlines())


def same_text(a, b):
    return " ".join((a or "").split()) == " ".join((b or "").split())


class EntryUpdateForm(forms.Form):
    name = forms.CharField(max_length=255)
    summary = forms.CharField(required=False, max_length=500, widget=forms.Textarea({"rows": 3}))
    description = forms.CharField(required=False, widget=forms.Textarea({"rows": 8}))
    country = forms.ChoiceField()
    city = forms.CharField(required=False, max_length=120)
    website = forms.CharField(required=False, max_length=200)
    email = forms.CharField(required=False, max_length=254)
    seeking_partners = forms.BooleanField(required=False)
    sectors = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    sdgs = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    offers = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    needs = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, entry, language, *args, **kwargs):
        self.entry = entry
        super().__init__(*args, initial=self.initial_of(entry), **kwargs)
        model = type(entry)
        for name, field in self.fields.items():
            field.label = capfirst(model._meta.get_field(name).verbose_name)
        self.fields["country"].choices = [("", "---------"), *countries]
        for name, vocabulary in RELATIONS.items():
            self.fields[name].choices = vocabulary_choices(vocabulary, language)
        self.fields["website"].help_text = _("For example https://example.org")

    @staticmethod
    def initial_of(entry):
        initial = {name: getattr(entry, name) for name in TEXT_FIELDS}
        initial["description"] = description_text(entry)
        initial["country"] = entry.country.code or ""
        initial["seeking_partners"] = entry.seeking_partners
        for name, vocabulary in RELATIONS.items():
            code = vocabulary.code_field
            initial[name] = [str(getattr(row, code)) for row in getattr(entry, name).all()]
        return initial

    def submission_input(self):
        """The cleaned form as `build_enterprise` reads a submitEnterprise input. The private
        contact is the entry's own: it is neither shown nor changed here."""
        data = self.cleaned_data
        entry = self.entry
        return {
            **{name: data[name] for name in TEXT_FIELDS},
            "locale": entry.locale.language_code,
            "country": data["country"],
            "seeking_partners": data["seeking_partners"],
            "sectors": data["sectors"],
            "sdgs": [int(number) for number in data["sdgs"]],
            "offers": data["offers"],
            "needs": data["needs"],
            "contact_name": entry.contact_name or entry.contact_email,
            "contact_email": entry.contact_email,
        }

    def add_submission_errors(self, messages):
        """The submission's field errors (API names, camelCase) beside this form's fields."""
        for field, message in messages.items():
            name = to_snake_case(field)
            self.add_error(name if name in self.fields else None, message)

    def changed_fields(self):
        """What the contact changed; text differing only in spacing or line endings (a
        browser sends CRLF) is unchanged."""
        initial = self.initial_of(self.entry)
        return [
            name
            for name in self.changed_data
            if not (name in TEXT_FIELDS and same_text(self.cleaned_data[name], initial[name]))
        ]
