"""Service API of the activity register: other apps (the intake suggestions queue, the API) call these.

- ``create_activity(*, user, type, title, start, ...) -> Activity``
- ``find_conflicts(activity) -> list[Conflict]`` (coordination warnings; they never block saving)
- ``transition(activity, action, user, comment="") -> StatusChange`` (approval workflow)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from amity.activities import dates, holidays
from amity.activities.choices import ActivityType, Pillar, Precision, Status
from amity.activities.models import Activity, StatusChange
from amity.core import permissions
from amity.core.models import Citation, notify
from amity.extract.normalize import fold

HOME_ISO2 = "VN"
DUPLICATE_RATIO = 80


def conflict_window_days() -> int:
    return int(getattr(settings, "AMITY_CONFLICT_WINDOW_DAYS", 7))


# ---- creating -------------------------------------------------------------------------------------------


def _resolve(model, values, key: str, label: str):
    out, missing = [], []
    for value in values or ():
        if isinstance(value, model):
            out.append(value)
            continue
        lookup = {key: str(value).strip().upper()} if key == "iso2" else {"pk": value}
        obj = model.objects.filter(**lookup).first()
        (out if obj else missing).append(obj or value)
    if missing:
        raise ValidationError({label: _("Unknown %(what)s: %(values)s.") % {
            "what": model._meta.verbose_name, "values": ", ".join(map(str, missing))}})
    return out


def create_activity(*, user, type, title, start, precision="day", end=None, pillar="people", countries=(),
                    organisations=(), persons=(), province=None, money_amount=None, money_currency="",
                    money_kind="", summary="", sources=()) -> Activity:
    """Create a draft activity owned by ``user``'s organisation, with partners and cited sources.

    ``start``/``end`` are dates or approximate-date strings ("2025-03", "tháng 3/2025", "2025"); countries are
    Country objects or ISO2 codes; sources are core.Source objects. Raises ValidationError (nothing written)
    or PermissionDenied.
    """
    from amity.partners.models import Country, Organisation, Person, Province

    if not permissions.can_create(user):
        raise PermissionDenied(_("Your role cannot create records."))
    end_precision = Precision.DAY
    if isinstance(start, str):
        start, precision = dates.parse_approx_date(start)
    if isinstance(end, str) and end.strip():
        end, end_precision = dates.parse_approx_date(end)
    elif not end:
        end = None
    country_objs = _resolve(Country, countries, "iso2", "countries")
    org_objs = _resolve(Organisation, organisations, "pk", "organisations")
    person_objs = _resolve(Person, persons, "pk", "persons")
    if not (country_objs or org_objs or person_objs):
        raise ValidationError({"countries": _("Name at least one partner: a country, an organisation or a person.")})
    if province is not None and not isinstance(province, Province):
        province = Province.objects.filter(Q(code=str(province)) | Q(search_key__contains=fold(str(province)))).first()
    org = permissions.user_organisation(user)
    activity = Activity(
        type=type, title=" ".join(str(title).split()), start=start, precision=precision, end=end,
        end_precision=end_precision, pillar=pillar or Pillar.PEOPLE, province=province,
        money_amount=money_amount, money_currency=(money_currency or "").upper(), money_kind=money_kind or "",
        summary=summary or "", owner=org, lead_organisation=org, created_by=user, updated_by=user, responsible=user,
    )
    activity.full_clean()
    with transaction.atomic():
        activity.save()
        activity.countries.set(country_objs)
        activity.organisations.set(org_objs)
        activity.persons.set(person_objs)
        for source in sources or ():
            Citation.objects.get_or_create(source=source, content_type_id=_ct_id(), object_id=activity.pk)
        StatusChange.objects.create(activity=activity, from_status="", to_status=Status.DRAFT, by=user,
                                    comment=_("Created"))
        refresh_conflicts(activity)
    return activity


def _ct_id():
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(Activity).pk


# ---- coordination checks --------------------------------------------------------------------------------


@dataclass
class Conflict:
    kind: str  # partner | person | holiday | duplicate
    message: str
    other: object = None  # another Activity, or a holidays.Holiday

    @property
    def other_url(self) -> str:
        return self.other.get_absolute_url() if isinstance(self.other, Activity) else ""


@dataclass
class Profile:
    """What the checks need to know about an activity, saved or still in a form."""

    pk: int | None
    title: str
    type: str
    pillar: str
    start: dt.date
    last: dt.date
    precision: str
    lead_id: int | None
    location_country_id: int | None
    location_iso2: str
    city: str
    country_ids: set = field(default_factory=set)
    organisation_ids: set = field(default_factory=set)
    person_ids: set = field(default_factory=set)
    visit_iso2: set = field(default_factory=set)


def profile_of(activity: Activity, countries=None, organisations=None, persons=None) -> Profile:
    if countries is None:
        countries = list(activity.countries.all()) if activity.pk else []
    if organisations is None:
        organisations = list(activity.organisations.all()) if activity.pk else []
    if persons is None:
        persons = list(activity.persons.all()) if activity.pk else []
    location = activity.location_country if activity.location_country_id else None
    visit = {location.iso2} if location else set()
    if activity.type == ActivityType.VISIT_OUT and not location:
        visit |= {c.iso2 for c in countries}
    if activity.type == ActivityType.VISIT_IN and not location:
        visit.add(HOME_ISO2)
    return Profile(
        pk=activity.pk, title=activity.title or "", type=activity.type, pillar=activity.pillar,
        start=activity.start, last=max(activity.last_day, activity.start), precision=activity.precision,
        lead_id=activity.lead_organisation_id or activity.owner_id, location_country_id=activity.location_country_id,
        location_iso2=location.iso2 if location else "", city=fold(activity.city or ""),
        country_ids={c.pk for c in countries if c.iso2 != HOME_ISO2} | _foreign_home_countries(organisations),
        organisation_ids={o.pk for o in organisations},
        person_ids={p.pk for p in persons}, visit_iso2=visit,
    )


def _foreign_home_countries(organisations) -> set[int]:
    """A foreign partner organisation engages its home country too (JICA -> Japan)."""
    from amity.partners.models import Country

    ids = {o.home_country_id for o in organisations if o.home_country_id}
    if not ids:
        return set()
    return set(Country.objects.filter(pk__in=ids).exclude(iso2=HOME_ISO2).values_list("pk", flat=True))


def _pillar(value) -> str:
    return str(dict(Pillar.choices).get(value, value))


def find_conflicts(activity, *, profile: Profile | None = None) -> list[Conflict]:
    """Coordination warnings for ``activity`` (or for an unsaved ``profile`` built from a form)."""
    p = profile or profile_of(activity)
    if p.start is None:
        return []
    window = dt.timedelta(days=conflict_window_days())
    others = Activity.objects.exclude(status=Status.CANCELLED).select_related("lead_organisation", "owner")
    if p.pk:
        others = others.exclude(pk=p.pk)
    near = others.filter(start__lte=p.last + window, span_end__gte=p.start - window)
    out: list[Conflict] = []
    seen: set[tuple] = set()

    # 1. the same partner engaged by another pillar or organisation within N days
    if p.country_ids or p.organisation_ids:
        shared = near.filter(Q(countries__in=p.country_ids) | Q(organisations__in=p.organisation_ids)
                             | Q(organisations__home_country__in=p.country_ids)).distinct()
        for other in shared.prefetch_related("countries", "organisations")[:50]:
            other_lead = other.lead_organisation_id or other.owner_id
            if other.pillar == p.pillar and other_lead == p.lead_id:
                continue
            names = [str(c) for c in other.countries.all() if c.pk in p.country_ids]
            names += [str(o) for o in other.organisations.all()
                      if o.pk in p.organisation_ids or (o.home_country_id in p.country_ids and not names)]
            out.append(Conflict("partner", _(
                "%(partners)s is also engaged in “%(title)s” (%(when)s, %(pillar)s, %(org)s) within %(days)s days."
            ) % {"partners": ", ".join(names), "title": other.title, "when": other.when, "pillar": _pillar(other.pillar),
                 "org": other.approving_organisation or _("no lead organisation"), "days": window.days}, other))
            seen.add(("partner", other.pk))

    # 2. the same person in two places at once
    if p.person_ids and p.precision == Precision.DAY:
        overlapping = others.filter(precision=Precision.DAY, start__lte=p.last, span_end__gte=p.start,
                                    persons__in=p.person_ids).distinct()
        for other in overlapping.select_related("location_country").prefetch_related("persons")[:50]:
            same_place = (p.location_country_id and p.location_country_id == other.location_country_id
                          and (not p.city or not other.city or p.city == fold(other.city)))
            if same_place:
                continue
            people = ", ".join(str(x) for x in other.persons.all() if x.pk in p.person_ids)
            out.append(Conflict("person", _(
                "%(people)s would be in two places at once: “%(title)s” (%(when)s, %(where)s)."
            ) % {"people": people, "title": other.title, "when": other.when,
                 "where": other.location_label or _("place not given")}, other))

    # 3. a visit during a national holiday or an election
    if p.visit_iso2 and p.precision != Precision.YEAR:
        for h in holidays.holidays_overlapping(p.visit_iso2, p.start, p.last):
            kind = {"election": _("election"), "holiday": _("national holiday")}.get(h.kind, _("national event"))
            out.append(Conflict("holiday", _(
                "The dates overlap a %(kind)s in %(iso2)s: %(name)s (%(from)s – %(to)s; source: %(source)s)."
            ) % {"kind": kind, "iso2": h.iso2, "name": h.name, "from": h.date_from.isoformat(),
                 "to": h.date_to.isoformat(), "source": h.source}, h))

    # 4. a proposal that duplicates an existing one
    title_key = fold(p.title)
    if title_key:
        candidates = near.filter(type=p.type)
        for other in candidates[:200]:
            if fuzz.token_set_ratio(title_key, fold(other.title)) < DUPLICATE_RATIO:
                continue
            out.append(Conflict("duplicate", _(
                "This may duplicate “%(title)s” (%(when)s, %(status)s, %(org)s)."
            ) % {"title": other.title, "when": other.when, "status": other.get_status_display(),
                 "org": other.approving_organisation or "—"}, other))
    return out


def refresh_conflicts(activity: Activity) -> list[Conflict]:
    """Recompute the stored warning count of ``activity`` and of the activities it clashes (or clashed) with."""
    conflicts = find_conflicts(activity)
    Activity.objects.filter(pk=activity.pk).update(conflict_count=len(conflicts))
    activity.conflict_count = len(conflicts)
    touched = {c.other.pk for c in conflicts if isinstance(c.other, Activity)}
    touched |= set(Activity.objects.filter(conflict_count__gt=0, start__lte=activity.span_end + dt.timedelta(
        days=conflict_window_days() + 1), span_end__gte=activity.start - dt.timedelta(days=conflict_window_days() + 1)
    ).exclude(pk=activity.pk).values_list("pk", flat=True)[:200])
    for other in Activity.objects.filter(pk__in=touched):
        Activity.objects.filter(pk=other.pk).update(conflict_count=len(find_conflicts(other)))
    return conflicts


# ---- approval workflow ----------------------------------------------------------------------------------


def approvers_of(activity: Activity):
    """Editors and Administrators who are members of the lead (approving) organisation."""
    org = activity.approving_organisation
    if org is None:
        return get_user_model().objects.none()
    return get_user_model().objects.filter(
        is_active=True, membership__organisation=org,
        groups__name__in=[permissions.EDITOR, permissions.ADMINISTRATOR]).distinct()


def can_approve(user, activity: Activity) -> bool:
    if permissions.is_admin(user):
        return True
    if not permissions.is_editor(user):
        return False
    org = permissions.user_organisation(user)
    return org is not None and activity.approving_organisation is not None and org.pk == activity.approving_organisation.pk


# action -> (allowed from, to, who: "editor" (can_edit) | "approver" | "either", comment required)
TRANSITIONS = {
    "propose": ({Status.DRAFT}, Status.PROPOSED, "editor", False),
    "approve": ({Status.PROPOSED}, Status.APPROVED, "approver", False),
    "return": ({Status.PROPOSED}, Status.DRAFT, "approver", True),
    "done": ({Status.APPROVED}, Status.DONE, "either", False),
    "report": ({Status.DONE}, Status.REPORTED, "either", False),
    "cancel": ({Status.DRAFT, Status.PROPOSED, Status.APPROVED}, Status.CANCELLED, "either", False),
    "reopen": ({Status.CANCELLED}, Status.DRAFT, "editor", False),
}

ACTION_LABELS = {
    "propose": gettext_lazy("Propose for approval"), "approve": gettext_lazy("Approve"), "return": gettext_lazy("Return with a comment"),
    "done": gettext_lazy("Mark as done"), "report": gettext_lazy("Mark as reported"), "cancel": gettext_lazy("Cancel"), "reopen": gettext_lazy("Reopen as draft"),
}


def may(user, activity: Activity, action: str) -> bool:
    spec = TRANSITIONS.get(action)
    if spec is None or activity.status not in spec[0]:
        return False
    who = spec[2]
    if who == "editor":
        return permissions.can_edit(user, activity)
    if who == "approver":
        return can_approve(user, activity) and not _self_approval(user, activity, action)
    return permissions.can_edit(user, activity) or can_approve(user, activity)


def _self_approval(user, activity: Activity, action: str) -> bool:
    """True when the four-eyes rule (settings.AMITY_APPROVAL_FOUR_EYES) forbids ``user`` this step: the
    proposer of an activity may not approve it."""
    if action != "approve" or not getattr(settings, "AMITY_APPROVAL_FOUR_EYES", False):
        return False
    proposer = _proposer(activity)
    return proposer is not None and proposer.pk == user.pk


def available_actions(user, activity: Activity) -> list[tuple[str, str]]:
    return [(a, str(ACTION_LABELS[a])) for a in TRANSITIONS if may(user, activity, a)]


def transition(activity: Activity, action: str, user, comment: str = "") -> StatusChange:
    """Move ``activity`` one workflow step, record who and when, notify the people concerned."""
    spec = TRANSITIONS.get(action)
    if spec is None:
        raise ValidationError(_("Unknown workflow step."))
    sources, target, _who, needs_comment = spec
    comment = (comment or "").strip()[:5000]
    if not may(user, activity, action):
        if activity.status not in sources:
            raise ValidationError(_("This step is not possible from the status “%(status)s”.") % {
                "status": activity.get_status_display()})
        if _self_approval(user, activity, action):
            raise PermissionDenied(_("You proposed this activity: another approver must approve it (four-eyes rule)."))
        raise PermissionDenied(_("Only Editors of %(org)s can do this step.") % {
            "org": activity.approving_organisation or _("the lead organisation")})
    if needs_comment and not comment:
        raise ValidationError(_("Say why you return the activity: the comment goes to the proposer."))
    if action == "report" and not (activity.outcomes or "").strip():
        raise ValidationError(_("Write the outcomes before marking the activity as reported."))
    now = timezone.now()
    with transaction.atomic():
        moved = Activity.objects.filter(pk=activity.pk, status=activity.status).update(
            status=target, status_changed_at=now, status_changed_by=user, version=F("version") + 1)
        if not moved:
            raise ValidationError(_("Someone else changed the status of this activity meanwhile; reload the page."))
        change = StatusChange.objects.create(activity=activity, from_status=activity.status, to_status=target, by=user,
                                             at=now, comment=comment, returned=action == "return")
        activity.status, activity.status_changed_at, activity.status_changed_by = target, now, user
        activity.version += 1
        _notify(activity, action, user, comment)
        if target == Status.CANCELLED or action == "reopen":
            refresh_conflicts(activity)  # a cancelled activity no longer clashes with anything
    return change


def _proposer(activity: Activity):
    step = activity.status_changes.filter(to_status=Status.PROPOSED).order_by("-at", "-id").select_related("by").first()
    return step.by if step else None


def _notify(activity: Activity, action: str, user, comment: str) -> None:
    url = activity.get_absolute_url()
    who = user.get_full_name() or user.get_username()
    texts = {
        "propose": _("%(who)s proposed “%(title)s” for approval."),
        "approve": _("%(who)s approved “%(title)s”."),
        "return": _("%(who)s returned “%(title)s” to draft: %(comment)s"),
        "done": _("%(who)s marked “%(title)s” as done."),
        "report": _("%(who)s marked “%(title)s” as reported."),
        "cancel": _("%(who)s cancelled “%(title)s”."),
        "reopen": _("%(who)s reopened “%(title)s” as a draft."),
    }
    text = texts[action] % {"who": who, "title": activity.title, "comment": comment}
    if action == "propose":
        recipients = list(approvers_of(activity))
        if not recipients:  # nobody in the lead organisation can approve: tell the Administrators
            recipients = list(get_user_model().objects.filter(
                Q(is_superuser=True) | Q(groups__name=permissions.ADMINISTRATOR), is_active=True).distinct())
    else:
        recipients = [_proposer(activity), activity.created_by, activity.responsible]
        if action in ("done", "report", "cancel"):
            recipients += list(approvers_of(activity))
    notify([u for u in recipients if u is not None and u.pk != user.pk], text, url=url, kind=f"activity_{action}")
