from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "amity.suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from amity.core.registry import register_nav
        from amity.suggestions.services import suggest_from_document

        register_nav(_("Suggestions"), "suggestions:queue", 60)
        try:
            from amity.intake.pipeline import POST_EXTRACT_HOOKS
        except ImportError:  # the intake pipeline is not there: suggestions are made by `amity suggest`
            return
        if suggest_from_document not in POST_EXTRACT_HOOKS:
            POST_EXTRACT_HOOKS.append(suggest_from_document)
