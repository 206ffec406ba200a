"""Staff forms: a visit with the items it raised, and the visit team's enterprise list."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from deputies.models import Deputy, Enterprise
from portal.forms import PlainMessages
from submissions import roles
from submissions.forms import max_length_of, text_field
from submissions.models import Case, Category
from submissions.validators import normalise_mobile, validate_mobile
from visits.models import Visit, VisitTeam


class VisitForm(PlainMessages, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    enterprise = forms.ModelChoiceField(
        label=_("Enterprise"), queryset=Enterprise.objects.filter(is_active=True).order_by("name")
    )
    team = forms.ModelChoiceField(
        label=_("Visit team"), queryset=VisitTeam.objects.all(), required=False
    )
    deputies = forms.ModelMultipleChoiceField(
        label=_("Deputies who went"),
        queryset=Deputy.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one deputy who went.")},
    )
    staff = forms.ModelMultipleChoiceField(
        label=_("Staff who went"),
        queryset=get_user_model().objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    purpose = text_field(_("Purpose"), max_length_of(Visit, "purpose"), required=False)
    notes = text_field(_("Notes"), max_length_of(Visit, "notes"), required=False, textarea=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = (
            get_user_model()
            .objects.with_perm(roles.SCREEN, include_superusers=False)
            .filter(is_active=True)
            .order_by("username")
        )

    def clean(self):
        cleaned = super().clean()
        enterprise, team = cleaned.get("enterprise"), cleaned.get("team")
        if enterprise and not team:  # the enterprise's own team, when it has exactly one
            teams = list(enterprise.visit_teams.all()[:2])
            cleaned["team"] = teams[0] if len(teams) == 1 else None
        return cleaned


class ItemForm(PlainMessages, forms.Form):
    """One item raised during the visit; the enterprise's contact is the submitter."""

    kind = forms.ChoiceField(label=_("Type"), choices=Case.Kind.choices, initial="problem")
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True)
    )
    title = text_field(_("Title"), max_length_of(Case, "title"))
    description = text_field(
        pgettext_lazy("case", "Description"),
        max_length_of(Case, "description"),
        textarea=True,
        rows=3,
    )
    submitter_name = text_field(_("Contact person"), max_length_of(Case, "submitter_name"))
    submitter_phone = forms.CharField(
        label=_("Contact mobile"),
        max_length=max_length_of(Case, "submitter_phone"),
        validators=[validate_mobile],
    )
    allow_disclosure = forms.BooleanField(label=_("May be disclosed"), required=False)

    def clean_submitter_phone(self):
        return normalise_mobile(self.cleaned_data["submitter_phone"])


class BaseItemFormSet(forms.BaseFormSet):
    def items(self):
        return [f.cleaned_data for f in self.forms if f.has_changed() and f.cleaned_data]


ItemFormSet = forms.formset_factory(
    ItemForm, formset=BaseItemFormSet, extra=3, max_num=20, validate_max=True
)


class VisitTeamForm(WagtailAdminModelForm):
    """Each enterprise has one team: refuse an enterprise another team already covers."""

    def clean_enterprises(self):
        enterprises = self.cleaned_data["enterprises"]
        taken = (
            VisitTeam.enterprises.through.objects.filter(enterprise__in=enterprises)
            .exclude(visitteam=self.instance.pk)
            .select_related("enterprise", "visitteam")
        )
        if taken:
            raise forms.ValidationError(
                _("Already covered by another team: %(list)s.")
                % {
                    "list": "、".join(
                        f"{row.enterprise.name}（{row.visitteam.name}）" for row in taken
                    )
                }
            )
        return enterprises
