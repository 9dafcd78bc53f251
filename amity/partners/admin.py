from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province


class PartnershipInline(admin.TabularInline):
    model = Partnership
    extra = 0


@admin.register(Country)
class CountryAdmin(SimpleHistoryAdmin):
    list_display = ["iso2", "name_en", "name_vi", "region"]
    search_fields = ["iso2", "iso3", "name_en", "name_vi", "search_key"]
    inlines = [PartnershipInline]


@admin.register(Province)
class ProvinceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name_vi", "name_en", "kind"]
    search_fields = ["search_key"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "name_vi", "acronym", "kind", "home_country", "partner_country"]
    list_filter = ["kind"]
    search_fields = ["search_key"]


class PostInline(admin.TabularInline):
    model = Post
    extra = 0


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["full_name", "name_vi", "country"]
    search_fields = ["search_key"]
    inlines = [PostInline]
