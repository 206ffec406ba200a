"""Form messages in plain words that name the field ("请填写标题", "标题不超过60字", "请选择类别"),
in place of Django's generic ones ("必需字段", "确保该变量包含不超过 60 字符"), and full-width
input (１３８…, typed with a Chinese input method) read as the digits and letters it shows.

A form opts in with :class:`PlainMessages`. Messages a form or field sets itself are kept; only
Django's defaults are replaced, just before validation, so labels a subclass sets after
``__init__`` are the ones named."""

import re
import unicodedata

from django import forms
from django.utils.translation import gettext as _

# A label's trailing note is not part of the field's name: "意见（选填）" is 意见.
TRAILING_NOTE = re.compile(r"\s*[（(][^）()]*[）)]\s*$")


def subject(form, name, field):
    """What the messages call a field: the form's word for it, else its label without a
    trailing note or punctuation."""
    if name in form.subjects:
        return str(form.subjects[name])
    label = TRAILING_NOTE.sub("", str(field.label or ""))
    return label.rstrip("：:？?。. ")


def _defaults(field):
    """Django's own messages for this kind of field, code by code."""
    messages = {}
    for cls in reversed(type(field).__mro__):
        messages.update(getattr(cls, "default_error_messages", {}))
    return messages


def _plain(field, code):
    """The plain message for an error code of a field, with %(field)s still to fill; None
    where none is written."""
    choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField)
    if code == "required":
        if isinstance(field, forms.BooleanField):
            return _("Please tick “%(field)s”.")
        if choosing or isinstance(field, forms.FileField):
            return _("Please choose %(field)s.")
        return _("Please fill in %(field)s.")
    if code == "invalid_choice" or (code == "invalid_pk_value" and choosing):
        return _("Please choose %(field)s from the list.")
    if isinstance(field, forms.FileField):
        return {
            "invalid": _("The file for %(field)s did not arrive; please choose it again."),
            "missing": _("The file for %(field)s did not arrive; please choose it again."),
            "empty": _("The file for %(field)s is empty; please choose another."),
            "max_length": _("The file name is too long: at most %(max)d characters."),
        }.get(code)
    return {
        "max_length": _("%(field)s: at most %(limit_value)d characters (now %(show_value)d)."),
        "min_length": _("%(field)s: at least %(limit_value)d characters (now %(show_value)d)."),
        "max_value": _("%(field)s cannot be more than %(limit_value)s."),
        "min_value": _("%(field)s cannot be less than %(limit_value)s."),
        "invalid": (
            _("Enter an e-mail address such as name@example.com.")
            if isinstance(field, forms.EmailField)
            else _("Enter a date such as 2026-12-03.")
            if isinstance(field, forms.DateField)
            else _("%(field)s must be a whole number.")
            if isinstance(field, forms.IntegerField)
            else None
        ),
    }.get(code)


# Codes of the validators a field may carry, whose messages the field's own replace.
VALIDATOR_CODES = {"max_length", "min_length", "max_value", "min_value", "invalid"}


def plain_messages(form, name, field):
    """Replace the field's messages that are still Django's with plain ones naming it."""
    word = subject(form, name, field)
    if not word:
        return
    defaults = _defaults(field)
    for code in set(field.error_messages) | VALIDATOR_CODES:
        current = field.error_messages.get(code)
        if current is not None and str(current) != str(defaults.get(code)):
            continue  # the form's or the field's own words
        message = _plain(field, code)
        if message:
            # Length limits are validators with their own message; a field's message for the
            # validator's code replaces it (Field.run_validators).
            field.error_messages[code] = message.replace("%(field)s", word.replace("%", "%%"))


class PlainMessages:
    """Mixin for a Form: plain messages naming each field (see the module). ``subjects`` names
    a field whose label is a question ({"rating": _("a rating")}); ``half_width`` lists fields
    whose full-width digits and letters are read as ASCII before validation (and shown so
    when the form comes back)."""

    subjects = {}
    half_width = ()

    def full_clean(self):
        for name, field in self.fields.items():
            plain_messages(self, name, field)
        if self.is_bound and self.half_width:
            data = self.data.copy()
            for name in self.half_width:
                key = self.add_prefix(name)
                if isinstance(data.get(key), str):
                    data[key] = unicodedata.normalize("NFKC", data[key])
            self.data = data
        super().full_clean()
