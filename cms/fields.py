from functools import partialmethod

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChoiceListField(models.JSONField):
    """A list of choice codes (platforms, languages, audiences) stored as JSON.

    Django has no portable multiple-choice column (ArrayField is PostgreSQL-only and SQLite is
    our embedded default); a JSON list is portable, and this field gives it checkboxes in the
    admin and validates every code against the choices.
    """

    def __init__(self, *args, choices=None, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        self.item_choices = list(choices or [])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices"] = self.item_choices
        if kwargs.get("default") is list:
            del kwargs["default"]
        if kwargs.get("blank") is True:
            del kwargs["blank"]
        return name, path, args, kwargs

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list of codes."), code="invalid")
        allowed = {code for code, _label in self.item_choices}
        unknown = [code for code in value if code not in allowed]
        if unknown:
            raise ValidationError(
                _("Unknown value(s): %(codes)s."),
                code="invalid_choice",
                params={"codes": ", ".join(map(str, unknown))},
            )

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=self.item_choices,
            required=not self.blank,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name.capitalize(),
            help_text=self.help_text,
        )

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # As Django adds get_FOO_display() for one choice: the labels of the stored codes,
        # e.g. page.get_platforms_labels in templates.
        if f"get_{self.name}_labels" not in cls.__dict__:
            setattr(cls, f"get_{self.name}_labels", partialmethod(_labels_of, field=self))

    def labels(self, value):
        names = dict(self.item_choices)
        return [str(names.get(code, code)) for code in value or []]


def _labels_of(instance, field):
    return field.labels(getattr(instance, field.attname))
