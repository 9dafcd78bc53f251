from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitorConfig(AppConfig):
    name = "amity.monitor"
    verbose_name = _("Monitoring")

    def ready(self):
        from amity.core.registry import register_nav
        from amity.core.views import HOME_WIDGETS
        from amity.monitor import hooks

        register_nav(_("Watchlists"), "monitor:watchlist_list", 70)
        register_nav(_("Signals"), "monitor:signal_list", 71)
        if hooks.signals_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(hooks.signals_widget)
        from amity.core.registry import PANELS, register_panel
        from amity.partners.models import Country, Organisation, Person

        for model in (Country, Organisation, Person):
            if hooks.partner_signals_panel not in PANELS.get(model._meta.label_lower, []):
                register_panel(model, hooks.partner_signals_panel)
        try:
            from amity.intake.pipeline import POST_EXTRACT_HOOKS
        except ImportError:
            return
        for hook in (hooks.alerts_for_document, hooks.signals_for_document):
            if hook not in POST_EXTRACT_HOOKS:
                POST_EXTRACT_HOOKS.append(hook)
