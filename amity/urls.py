from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from amity.core import views as core_views

urlpatterns = [
    path("", core_views.HomeView.as_view(), name="home"),
    path("search/", core_views.search_view, name="search"),
    path("notifications/", core_views.notifications_view, name="notifications"),
    path("healthz", core_views.healthz, name="healthz"),
    path("notes/<int:ct_id>/<int:object_id>/add/", core_views.JournalNoteCreateView.as_view(), name="note_add"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("amity.api.urls")),
    path("activities/", include("amity.activities.urls")),
    path("intake/", include("amity.intake.urls")),
    path("suggestions/", include("amity.suggestions.urls")),
    path("monitor/", include("amity.monitor.urls")),
    path("reviews/", include("amity.reviews.urls")),
    path("", include("amity.partners.urls")),
]
