from django.urls import path

from amity.monitor import views

app_name = "monitor"

urlpatterns = [
    path("watchlists/", views.watchlist_list, name="watchlist_list"),
    path("watchlists/add/", views.watchlist_create, name="watchlist_add"),
    path("watchlists/<int:pk>/", views.watchlist_detail, name="watchlist_detail"),
    path("watchlists/<int:pk>/edit/", views.watchlist_edit, name="watchlist_edit"),
    path("watchlists/<int:pk>/delete/", views.watchlist_delete, name="watchlist_delete"),
    path("watchlists/<int:pk>/precision/", views.watchlist_precision, name="watchlist_precision"),
    path("alerts/<int:pk>/mark/", views.alert_mark, name="alert_mark"),
    path("signals/", views.signal_list, name="signal_list"),
]
