import datetime as dt
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from amity.extract.normalize import fold
from amity.partners.choices import OrganisationKind, PartnershipLevel
from amity.partners.models import Country, Organisation, Partnership, Person, Post, Province

pytestmark = pytest.mark.django_db


def make_country(iso2="ID", iso3="IDN", name="Indonesia", **kw):
    return Country.objects.create(iso2=iso2, iso3=iso3, name_en=name, **kw)


def test_fold_handles_nfc_nfd_and_d_stroke():
    nfc = unicodedata.normalize("NFC", "Nguyễn Phương Nga")
    nfd = unicodedata.normalize("NFD", "Nguyễn Phương Nga")
    assert fold(nfc) == fold(nfd) == "nguyen phuong nga"
    assert fold("Đồng Huy Cường") == "dong huy cuong"
    assert fold("  ĐÀ   NẴNG ") == "da nang"


def test_current_level_is_derived_from_history():
    indonesia = make_country()
    Partnership.objects.create(country=indonesia, level=PartnershipLevel.STRATEGIC, date_from=dt.date(2013, 6, 27))
    Partnership.objects.create(country=indonesia, level=PartnershipLevel.COMPREHENSIVE_STRATEGIC,
                               date_from=dt.date(2025, 3, 10))
    assert indonesia.current_partnership.level == PartnershipLevel.COMPREHENSIVE_STRATEGIC
    assert indonesia.level_on(dt.date(2024, 1, 1)).level == PartnershipLevel.STRATEGIC
    annotated = Country.objects.with_current_level().get(pk=indonesia.pk)
    assert annotated.current_level == PartnershipLevel.COMPREHENSIVE_STRATEGIC
    assert annotated.current_level_since == dt.date(2025, 3, 10)
    assert Country.objects.with_current_level(dt.date(2020, 1, 1)).get(pk=indonesia.pk).current_level == "strategic"


def test_partnership_in_the_future_is_refused():
    country = make_country()
    step = Partnership(country=country, level="strategic", date_from=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(ValidationError, match="future"):
        step.full_clean()


def test_invalid_iso_codes_are_refused():
    with pytest.raises(ValidationError) as err:
        Country(iso2="vnm", iso3="V1", name_en="X").full_clean()
    assert "iso2" in err.value.message_dict and "iso3" in err.value.message_dict


def test_duplicate_organisation_names_are_refused_with_a_clear_message(vufo):
    dup = Organisation(name_en="viet nam union of friendship ORGANISATIONS", kind=OrganisationKind.OTHER)
    with pytest.raises(ValidationError, match="already exists"):
        dup.full_clean()


def test_script_tags_in_names_are_refused():
    with pytest.raises(ValidationError, match="markup"):
        Organisation(name_en="<script>alert(1)</script>").full_clean()
    with pytest.raises(ValidationError, match="markup"):
        Person(full_name="Nga <b>").full_clean()


def test_overlapping_posts_are_refused(vufo):
    person = Person.objects.create(full_name="Phan Anh Son")
    Post.objects.create(person=person, title="President", organisation=vufo, date_from=dt.date(2022, 1, 1))
    overlapping = Post(person=person, title="president", organisation=vufo, date_from=dt.date(2023, 1, 1))
    with pytest.raises(ValidationError, match="overlaps"):
        overlapping.full_clean()
    reversed_term = Post(person=person, title="Adviser", organisation=vufo, date_from=dt.date(2023, 1, 1),
                         date_to=dt.date(2022, 1, 1))
    with pytest.raises(ValidationError, match="end before"):
        reversed_term.full_clean()


def test_search_keys_fold_names_and_aliases():
    province = Province.objects.create(code="tuyen-quang", name_vi="Tuyên Quang", name_en="Tuyen Quang",
                                       merged_from=["Hà Giang", "Ha Giang"])
    assert "ha giang" in province.search_key
    person = Person.objects.create(full_name="Nguyễn Phương Nga")
    assert person.name_key == "nguyen phuong nga"


def test_every_change_is_kept_in_history(vufo):
    vufo.acronym = "VUFO2"
    vufo.save()
    vufo.acronym = "VUFO"
    vufo.save()
    assert vufo.history.count() >= 3
