from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "amity.reviews"
    verbose_name = _("Reviews")

    def ready(self):
        from amity.core import search
        from amity.core.registry import register_nav
        from amity.core.views import HOME_WIDGETS
        from amity.reviews import views

        register_nav(_("Reviews"), "reviews:review_list", 62)
        if views.home_widget not in HOME_WIDGETS:
            HOME_WIDGETS.append(views.home_widget)
        if views.search_provider not in search.PROVIDERS:
            search.register(views.search_provider)
