from django import forms
from django.utils.translation import gettext_lazy as _

from portal.forms import PlainMessages
from submissions.validators import normalise_mobile, validate_mobile


class PhoneForm(PlainMessages, forms.Form):
    # Typed with a Chinese input method, digits may come in full width and with spaces.
    half_width = ("phone",)

    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=30,
        validators=[validate_mobile],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_phone(self):
        return normalise_mobile(self.cleaned_data["phone"])


class CodeField(forms.RegexField):
    """Read without the spaces people type or paste between the digits ("123 456"): dropped
    before the six digits are checked, which a clean_code method would come too late for."""

    def to_python(self, value):
        return "".join(super().to_python(value).split())


class CodeForm(PhoneForm):
    half_width = ("phone", "code")

    code = CodeField(
        label=_("SMS code"),
        regex=r"^\d{6}$",
        max_length=20,
        strip=True,
        error_messages={"invalid": _("Enter the 6 digits of the SMS code.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget = forms.HiddenInput()
