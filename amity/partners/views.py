from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amity.core import permissions
from amity.core.views import ObjectCreateView, ObjectDeleteView, ObjectDetailView, ObjectListView, ObjectUpdateView
from amity.partners import filtersets, forms
from amity.partners.models import Country, Organisation, Person, Province

# ---- countries ---------------------------------------------------------------------------------------------


class CountryListView(ObjectListView):
    export_name = "countries"
    queryset = Country.objects.with_current_level()
    filterset_class = filtersets.CountryFilterSet
    add_url_name = "partners:country_add"
    columns = [(gettext_lazy("Country"), "name"), (gettext_lazy("ISO"), "iso2"),
               (gettext_lazy("Region"), "region"), (gettext_lazy("Partnership level"), "level_label"),
               (gettext_lazy("Since"), "current_level_since")]


class CountryDetailView(ObjectDetailView):
    model = Country
    slug_field = slug_url_kwarg = "iso2"
    template_name = "partners/country_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        country = self.object
        context["timeline"] = country.partnerships.order_by("date_from", "id")
        context["current"] = country.current_partnership
        context["friendship_organisations"] = country.friendship_organisations.order_by("kind", "name_en")
        context["partnership_form"] = forms.PartnershipForm()
        context["people"] = country.person_set.all()[:50]
        return context


class CountryCreateView(ObjectCreateView):
    model = Country
    form_class = forms.CountryForm


class CountryUpdateView(ObjectUpdateView):
    model = Country
    form_class = forms.CountryForm
    slug_field = slug_url_kwarg = "iso2"


def add_child(request, parent, form_class, parent_field: str, verbose_name, saved_message):
    """Add a dependent row (a partnership step, a post) to a record the user may edit."""
    if not permissions.can_edit(request.user, parent):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
    form = form_class(request.POST or None)
    if request.method == "POST":
        setattr(form.instance, parent_field, parent)
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, saved_message)
            return redirect(parent)
    return render(request, "core/object_form.html", {"form": form, "verbose_name": verbose_name,
                                                      "cancel_url": parent.get_absolute_url()})


def partnership_add(request, iso2):
    country = get_object_or_404(Country, iso2=iso2)
    return add_child(request, country, forms.PartnershipForm, "country", _("partnership level"),
                     _("Partnership history updated."))


# ---- provinces ---------------------------------------------------------------------------------------------


class ProvinceListView(ObjectListView):
    export_name = "provinces"
    queryset = Province.objects.all()
    filterset_class = filtersets.ProvinceFilterSet
    add_url_name = "partners:province_add"
    columns = [(gettext_lazy("Province"), "name"), (gettext_lazy("Kind"), "get_kind_display"),
               (gettext_lazy("Merged from"), "merged_label")]


class ProvinceDetailView(ObjectDetailView):
    model = Province
    slug_field = slug_url_kwarg = "code"
    template_name = "partners/province_detail.html"


class ProvinceCreateView(ObjectCreateView):
    model = Province
    form_class = forms.ProvinceForm


class ProvinceUpdateView(ObjectUpdateView):
    model = Province
    form_class = forms.ProvinceForm
    slug_field = slug_url_kwarg = "code"


# ---- organisations -----------------------------------------------------------------------------------------


class OrganisationListView(ObjectListView):
    export_name = "organisations"
    queryset = Organisation.objects.select_related("home_country", "partner_country", "parent")
    filterset_class = filtersets.OrganisationFilterSet
    add_url_name = "partners:organisation_add"
    columns = [(gettext_lazy("Organisation"), "name"), (gettext_lazy("Acronym"), "acronym"),
               (gettext_lazy("Kind"), "get_kind_display"), (gettext_lazy("Country"), "home_country"),
               (gettext_lazy("Partner country"), "partner_country")]


class OrganisationDetailView(ObjectDetailView):
    model = Organisation
    template_name = "partners/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["children"] = self.object.children.annotate(n=Count("children")).order_by("kind", "name_en")
        context["posts"] = self.object.posts.select_related("person").order_by("-date_from")
        return context


class OrganisationCreateView(ObjectCreateView):
    model = Organisation
    form_class = forms.OrganisationForm


class OrganisationUpdateView(ObjectUpdateView):
    model = Organisation
    form_class = forms.OrganisationForm


class OrganisationDeleteView(ObjectDeleteView):
    model = Organisation
    success_url = reverse_lazy("partners:organisation_list")


# ---- people ------------------------------------------------------------------------------------------------


class PersonListView(ObjectListView):
    export_name = "people"
    queryset = Person.objects.select_related("country").prefetch_related("posts__organisation")
    filterset_class = filtersets.PersonFilterSet
    add_url_name = "partners:person_add"
    columns = [(gettext_lazy("Name"), "name"), (gettext_lazy("Current posts"), "posts_label"),
               (gettext_lazy("Country"), "country")]


class PersonDetailView(ObjectDetailView):
    model = Person
    template_name = "partners/person_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["posts"] = self.object.posts.select_related("organisation")
        context["post_form"] = forms.PostForm()
        return context


class PersonCreateView(ObjectCreateView):
    model = Person
    form_class = forms.PersonForm


class PersonUpdateView(ObjectUpdateView):
    model = Person
    form_class = forms.PersonForm


class PersonDeleteView(ObjectDeleteView):
    model = Person
    success_url = reverse_lazy("partners:person_list")


def post_add(request, pk):
    person = get_object_or_404(Person, pk=pk)
    return add_child(request, person, forms.PostForm, "person", _("post"), _("Post added."))
