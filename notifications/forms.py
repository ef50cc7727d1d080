from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import Preference


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label=_("Email about notifications"), choices=Preference.Email.choices, widget=forms.RadioSelect
    )
