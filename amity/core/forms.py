from django import forms
from django.utils.translation import gettext_lazy as _

from amity.core import permissions
from amity.core.models import JournalNote


class AliasesField(forms.CharField):
    """Aliases typed one per line or separated by semicolons; stored as a JSON list."""

    widget = forms.Textarea(attrs={"rows": 2})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "; ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value) or ""
        return [v.strip() for v in value.replace("\n", ";").split(";") if v.strip()]


class OwnedModelForm(forms.ModelForm):
    """Every owned form: Administrators may pick the owner organisation, Editors own what they create."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "owner" in self.fields and not permissions.is_admin(user):
            del self.fields["owner"]
        if "tags" in self.fields:
            self.fields["tags"].required = False


class JournalNoteForm(forms.ModelForm):
    class Meta:
        model = JournalNote
        fields = ["date", "text"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Note")}
