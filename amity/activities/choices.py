"""Vocabularies of the activity register and the agreement register."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityType(models.TextChoices):
    VISIT_IN = "visit_in", _("Incoming visit")
    VISIT_OUT = "visit_out", _("Outgoing visit")
    MEETING = "meeting", _("Meeting")
    CONFERENCE = "conference", _("Conference")
    TRAINING = "training", _("Training")
    CULTURAL = "cultural_exchange", _("Cultural exchange")
    SIGNING = "signing", _("Agreement/MoU signing")
    AID = "aid_commitment", _("Aid commitment")
    AWARD = "award", _("Award")
    ELECTION = "election", _("Election/appointment")
    ANNIVERSARY = "anniversary", _("Anniversary")
    OTHER = "other", _("Other")


class Pillar(models.TextChoices):
    PARTY = "party", _("Party external relations")
    STATE = "state", _("State diplomacy")
    PEOPLE = "people", _("People-to-people diplomacy")


class Level(models.TextChoices):
    GENERAL_SECRETARY = "general_secretary", _("High level: General Secretary")
    PRESIDENT = "president", _("High level: President")
    PRIME_MINISTER = "prime_minister", _("High level: Prime Minister")
    NA_CHAIRMAN = "na_chairman", _("High level: National Assembly Chairman")
    MINISTERIAL = "ministerial", _("Ministerial")
    PROVINCIAL = "provincial", _("Provincial")
    ASSOCIATION = "association", _("Association")


HIGH_LEVELS = {Level.GENERAL_SECRETARY, Level.PRESIDENT, Level.PRIME_MINISTER, Level.NA_CHAIRMAN}


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Priority(models.TextChoices):
    """The national priorities of the 14th Party Congress every programme should serve (sample article 001)."""

    SCIENCE = "science_technology", _("Science and technology")
    INNOVATION = "innovation", _("Innovation")
    DIGITAL = "digital_transformation", _("Digital transformation")
    GREEN = "green_transition", _("Green transition")
    HUMAN_RESOURCES = "human_resources", _("High-quality human resources")


class MoneyKind(models.TextChoices):
    PLEDGE = "aid_pledge", _("Aid pledge")
    DISBURSEMENT = "disbursement", _("Disbursement")
    TRADE = "trade_deal", _("Trade deal")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    DONE = "done", _("Done")
    REPORTED = "reported", _("Reported")
    CANCELLED = "cancelled", _("Cancelled")


class AgreementKind(models.TextChoices):
    AGREEMENT = "agreement", _("Agreement")
    MOU = "mou", _("Memorandum of understanding")
    TWINNING = "twinning", _("Twinning/friendship agreement")
    PROTOCOL = "protocol", _("Protocol or programme")
    OTHER = "other", _("Other")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    RENEWED = "renewed", _("Renewed")
