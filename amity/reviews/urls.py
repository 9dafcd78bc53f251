from django.urls import path

from amity.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.ReviewListView.as_view(), name="review_list"),
    path("add/", views.ReviewCreateView.as_view(), name="review_add"),
    path("figures/", views.figures_page, name="figures"),
    path("figures/export/<slug:fmt>/", views.figures_export, name="figures_export"),
    path("<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("<int:pk>/edit/", views.ReviewUpdateView.as_view(), name="review_edit"),
    path("<int:pk>/delete/", views.ReviewDeleteView.as_view(), name="review_delete"),
    path("<int:pk>/freeze/", views.freeze, name="review_freeze"),
    path("<int:pk>/unfreeze/", views.unfreeze, name="review_unfreeze"),
    path("<int:pk>/export/<slug:fmt>/", views.export, name="review_export"),
]
