from django.urls import path

from amity.activities import brief, calendar_views, views

app_name = "activities"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="activity_list"),
    path("add/", views.ActivityCreateView.as_view(), name="activity_add"),
    path("check/", views.conflict_check, name="conflict_check"),
    path("coordination/", views.CoordinationBoardView.as_view(), name="coordination"),
    path("<int:pk>/", views.ActivityDetailView.as_view(), name="activity_detail"),
    path("<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity_edit"),
    path("<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity_delete"),
    path("<int:pk>/step/<slug:action>/", views.activity_transition, name="activity_transition"),
    path("calendar/", calendar_views.calendar_view, name="calendar"),
    path("<int:pk>/quick/", calendar_views.quick_edit, name="quick_edit"),
    path("calendar/token/", calendar_views.regenerate_token, name="calendar_token"),
    # Public (token-authenticated): the lead's middleware must exempt the prefix /activities/calendar/feed/.
    path("calendar/feed/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("brief/<slug:kind>/<str:key>.<str:fmt>", brief.brief_view, name="brief"),
    path("agreements/", views.AgreementListView.as_view(), name="agreement_list"),
    path("agreements/add/", views.AgreementCreateView.as_view(), name="agreement_add"),
    path("agreements/<int:pk>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("agreements/<int:pk>/edit/", views.AgreementUpdateView.as_view(), name="agreement_edit"),
    path("agreements/<int:pk>/scan/", views.agreement_scan, name="agreement_scan"),
    path("agreements/<int:pk>/renew/", views.agreement_renew, name="agreement_renew"),
    path("agreements/<int:pk>/delete/", views.AgreementDeleteView.as_view(), name="agreement_delete"),
]
