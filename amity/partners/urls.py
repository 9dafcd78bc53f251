from django.urls import path

from amity.partners import views

app_name = "partners"

urlpatterns = [
    path("countries/", views.CountryListView.as_view(), name="country_list"),
    path("countries/add/", views.CountryCreateView.as_view(), name="country_add"),
    path("countries/<str:iso2>/", views.CountryDetailView.as_view(), name="country_detail"),
    path("countries/<str:iso2>/edit/", views.CountryUpdateView.as_view(), name="country_edit"),
    path("countries/<str:iso2>/partnership/add/", views.partnership_add, name="partnership_add"),
    path("provinces/", views.ProvinceListView.as_view(), name="province_list"),
    path("provinces/add/", views.ProvinceCreateView.as_view(), name="province_add"),
    path("provinces/<slug:code>/", views.ProvinceDetailView.as_view(), name="province_detail"),
    path("provinces/<slug:code>/edit/", views.ProvinceUpdateView.as_view(), name="province_edit"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation_list"),
    path("organisations/add/", views.OrganisationCreateView.as_view(), name="organisation_add"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.OrganisationUpdateView.as_view(), name="organisation_edit"),
    path("organisations/<int:pk>/delete/", views.OrganisationDeleteView.as_view(), name="organisation_delete"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/add/", views.PersonCreateView.as_view(), name="person_add"),
    path("people/<int:pk>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<int:pk>/edit/", views.PersonUpdateView.as_view(), name="person_edit"),
    path("people/<int:pk>/delete/", views.PersonDeleteView.as_view(), name="person_delete"),
    path("people/<int:pk>/posts/add/", views.post_add, name="post_add"),
]
