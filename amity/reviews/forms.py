from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from amity.core.forms import OwnedModelForm
from amity.reviews import metrics
from amity.reviews.models import Review, Scope


class ReviewCreateForm(OwnedModelForm):
    period = forms.CharField(
        label=gettext_lazy("Period"), max_length=40, widget=forms.TextInput(attrs={"list": "period-suggestions"}),
        help_text=gettext_lazy("“H1 2025”, “H2 2025”, “2025”, “Q3 2025”, or a range "
                               "“2025-01-01..2025-03-15”."),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300, required=False,
                            help_text=gettext_lazy("Left empty: “Review of people-to-people diplomacy, <period>”."))

    class Meta:
        model = Review
        fields = ["period", "title", "language", "scope", "include_all_statuses", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.initial.get("period"):
            self.initial["period"] = metrics.last_complete_period().code
        if not self.initial.get("language"):
            self.initial["language"] = "vi" if (get_language() or "").startswith("vi") else "en"

    def clean_period(self):
        text = self.cleaned_data["period"]
        try:
            period = metrics.Period.parse(text)
        except ValueError:
            raise ValidationError(
                _("Amity does not understand the period “%(text)s”. Type H1 2025, H2 2025, 2025, Q3 2025 or "
                  "2025-01-01..2025-03-15.") % {"text": text[:40]}) from None
        if period.end.year - period.start.year > 5:
            raise ValidationError(_("A review covers at most five years."))
        return period

    def clean(self):
        cleaned = super().clean()
        period = cleaned.get("period")
        if isinstance(period, metrics.Period):
            self.instance.period_kind, self.instance.start, self.instance.end = period.kind, period.start, period.end
            if not cleaned.get("title"):
                lang = cleaned.get("language") or "en"
                cleaned["title"] = self._default_title(period, lang)
                self.instance.title = cleaned["title"]
        if cleaned.get("scope") == Scope.OWNER and "owner" in self.fields and not cleaned.get("owner") \
                and self.user is not None and not getattr(self.user, "membership", None):
            self.add_error("scope", _("Choose the owner organisation whose activities the review covers."))
        return cleaned

    @staticmethod
    def _default_title(period: metrics.Period, lang: str) -> str:
        if lang == "vi":
            return f"Tổng kết công tác đối ngoại nhân dân {period.label('vi')[0].lower()}{period.label('vi')[1:]}"
        return f"Review of people-to-people diplomacy, {period.label('en')}"


class ReviewNarrativeForm(OwnedModelForm):
    class Meta:
        model = Review
        fields = ["title", "language", "scope", "include_all_statuses", "introduction", "highlights", "outlook",
                  "owner"]
        widgets = {
            "introduction": forms.Textarea(attrs={"rows": 6}),
            "highlights": forms.Textarea(attrs={"rows": 10}),
            "outlook": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.is_frozen:
            # The figures are frozen: what they count cannot change without unfreezing first.
            for name in ("scope", "include_all_statuses", "owner"):
                self.fields.pop(name, None)
