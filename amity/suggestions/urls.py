from django.urls import path

from amity.suggestions import merge_views, views

app_name = "suggestions"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("bulk/", views.bulk, name="bulk"),
    path("rejections/", views.rejections, name="rejections"),
    path("rejections/<int:pk>/forget/", views.forget_rejection, name="forget_rejection"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/edit/", views.edit_form, name="edit"),
    path("<int:pk>/edit-accept/", views.edit_accept, name="edit_accept"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("merge/<str:model>/", merge_views.merge_records_view, name="merge_records"),
]
