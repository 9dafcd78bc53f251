from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "amity.suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from amity.core.registry import PANELS, register_nav, register_panel
        from amity.core.views import HOME_WIDGETS
        from amity.partners.models import Organisation, Person
        from amity.suggestions import signals  # noqa: F401  (cleans up after deleted documents)
        from amity.suggestions.panels import home_widget, record_panel
        from amity.suggestions.services import suggest_from_document

        register_nav(_("Suggestions"), "suggestions:queue", 65)
        if home_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(home_widget)
        for model in (Organisation, Person):
            if record_panel not in PANELS.get(model._meta.label_lower, []):
                register_panel(model, record_panel)
        try:
            from amity.intake.pipeline import POST_EXTRACT_HOOKS
        except ImportError:  # no intake pipeline: suggestions are made by `amity suggest`
            return
        if suggest_from_document not in POST_EXTRACT_HOOKS:
            POST_EXTRACT_HOOKS.append(suggest_from_document)
