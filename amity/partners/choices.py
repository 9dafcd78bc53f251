from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnershipLevel(models.TextChoices):
    """Viet Nam's partnership frameworks, high to low (``rank`` orders them)."""

    SPECIAL = "special", _("Special relationship")
    COMPREHENSIVE_STRATEGIC = "comprehensive_strategic", _("Comprehensive strategic partnership")
    STRATEGIC = "strategic", _("Strategic partnership")
    COMPREHENSIVE = "comprehensive", _("Comprehensive partnership")
    NONE = "none", _("No framework")


LEVEL_RANK = {
    PartnershipLevel.SPECIAL: 4,
    PartnershipLevel.COMPREHENSIVE_STRATEGIC: 3,
    PartnershipLevel.STRATEGIC: 2,
    PartnershipLevel.COMPREHENSIVE: 1,
    PartnershipLevel.NONE: 0,
}


class OrganisationKind(models.TextChoices):
    FRIENDSHIP_UNION = "friendship_union", _("Friendship union")
    FRIENDSHIP_ASSOCIATION = "friendship_association", _("Friendship association")
    NGO = "ngo", _("Non-governmental organisation")
    PARTY = "party", _("Political party")
    GOVERNMENT = "government", _("Government body")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    PARLIAMENT = "parliament", _("Parliament")
    INTERNATIONAL_ORG = "international_org", _("International organisation")
    UNIVERSITY = "university", _("University or research institute")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media")
    MASS_ORG = "mass_org", _("Youth or mass organisation")
    OVERSEAS_VIETNAMESE = "overseas_vietnamese", _("Overseas Vietnamese association")
    OTHER = "other", _("Other")


class ProvinceKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("Centrally-run city")
