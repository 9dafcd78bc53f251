"""Activity register, approval workflow, coordination board, agreement register."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from amity.activities import services
from amity.activities.choices import AgreementStatus, Status
from amity.activities.filtersets import ActivityFilterSet, AgreementFilterSet
from amity.activities.forms import ActivityForm, AgreementForm, TransitionForm
from amity.activities.models import Activity, Agreement, StatusChange
from amity.core import permissions
from amity.core.models import Citation, Source
from amity.core.views import ObjectCreateView, ObjectDeleteView, ObjectDetailView, ObjectListView, ObjectUpdateView

# ---- activities -------------------------------------------------------------------------------------------


class ActivityListView(ObjectListView):
    queryset = Activity.objects.select_related("lead_organisation", "owner")
    filterset_class = ActivityFilterSet
    add_url_name = "activities:activity_add"
    title = gettext_lazy("Activities")
    columns = [(gettext_lazy("Title"), "title"), (gettext_lazy("When"), "when"), (gettext_lazy("Type"), "get_type_display"),
               (gettext_lazy("Pillar"), "get_pillar_display"), (gettext_lazy("Status"), "get_status_display"),
               (gettext_lazy("Lead organisation"), "lead_organisation"), (gettext_lazy("Warnings"), "conflict_count")]


class ActivityDetailView(ObjectDetailView):
    model = Activity
    template_name = "activities/activity_detail.html"

    def get_queryset(self):
        return Activity.objects.select_related("lead_organisation", "owner", "location_country", "province",
                                               "responsible", "status_changed_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activity = self.object
        context["conflicts"] = services.find_conflicts(activity)
        context["actions"] = services.available_actions(self.request.user, activity)
        context["steps"] = StatusChange.objects.filter(activity=activity).select_related("by")
        context["transition_form"] = TransitionForm()
        context["sources"] = Source.objects.filter(citations__in=activity.citations.all())
        context["can_approve"] = services.can_approve(self.request.user, activity)
        last = context["steps"].last()
        context["returned"] = last if last is not None and last.returned and activity.status == Status.DRAFT else None
        return context


class ActivityEditMixin:
    model = Activity
    form_class = ActivityForm
    template_name = "activities/activity_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = getattr(self, "object", None)
        context["conflicts"] = services.find_conflicts(obj) if obj is not None and obj.pk else []
        return context

    def get_initial(self):
        initial = super().get_initial()
        for key in ("start", "title", "type", "pillar"):
            if self.request.GET.get(key):
                initial[key] = self.request.GET[key][:300]
        if self.request.GET.get("country"):
            from amity.partners.models import Country

            initial["countries"] = list(
                Country.objects.filter(iso2=self.request.GET["country"].upper()).values_list("pk", flat=True))
        return initial

    def _save(self, form, created: bool):
        user = self.request.user
        obj = form.instance
        with transaction.atomic():
            if not created:
                expected = form.cleaned_data.get("version")
                if expected is None:
                    expected = -1
                moved = Activity.objects.filter(pk=obj.pk, version=expected).update(version=expected + 1)
                if not moved:
                    return False
                obj.version = expected + 1
            else:
                obj.created_by = user
                obj.responsible = obj.responsible or user
                if not permissions.is_admin(user) or not obj.owner_id:
                    obj.owner = permissions.user_organisation(user) or obj.owner
                if not obj.lead_organisation_id:
                    obj.lead_organisation = obj.owner
            obj.updated_by = user
            self.object = form.save()
            content_type = ContentType.objects.get_for_model(Activity)
            for url in form.cleaned_data.get("sources") or []:
                source = Source.objects.filter(url=url).first() or Source.objects.create(url=url)
                Citation.objects.get_or_create(source=source, content_type=content_type, object_id=obj.pk)
            if created:
                StatusChange.objects.create(activity=obj, from_status="", to_status=Status.DRAFT, by=user,
                                            comment=_("Created"))
            conflicts = services.refresh_conflicts(self.object)
        messages.success(self.request, _("Saved %(object)s.") % {"object": self.object})
        if conflicts:
            messages.warning(self.request, _("Saved, with %(n)s coordination warning(s): see below.") % {
                "n": len(conflicts)})
        return True

    def stale_message(self, obj) -> str:
        fresh = Activity.objects.select_related("updated_by", "status_changed_by").get(pk=obj.pk)
        who, when = fresh.updated_by, fresh.updated_at
        if fresh.status_changed_at and fresh.status_changed_at > when:
            who, when = fresh.status_changed_by, fresh.status_changed_at
        return _("This activity was changed by %(who)s at %(when)s; reload to see their changes. "
                 "Your input is kept below; nothing was saved.") % {
            "who": who.get_username() if who else _("someone"),
            "when": date_format(timezone.localtime(when), "DATETIME_FORMAT")}


class ActivityCreateView(ActivityEditMixin, ObjectCreateView):
    def form_valid(self, form):
        self._save(form, created=True)
        return redirect(self.object)


class ActivityUpdateView(ActivityEditMixin, ObjectUpdateView):
    def form_valid(self, form):
        if not self._save(form, created=False):
            form.add_error(None, self.stale_message(form.instance))
            return self.form_invalid(form)
        return redirect(self.object)


class ActivityDeleteView(ObjectDeleteView):
    model = Activity

    def get_success_url(self):
        return reverse("activities:activity_list")


def activity_transition(request, pk: int, action: str):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    activity = get_object_or_404(Activity, pk=pk)
    comment = request.POST.get("comment", "")[:5000]
    try:
        services.transition(activity, action, request.user, comment=comment)
    except ValidationError as err:
        for message in err.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(title)s” is now %(status)s.") % {
            "title": activity.title, "status": activity.get_status_display()})
    return redirect(activity)


def conflict_check(request):
    """HTMX: coordination warnings for the activity being typed, before it is saved."""
    pk = request.POST.get("pk") or None
    if pk is not None and not str(pk).isdigit():
        pk = None
    instance = get_object_or_404(Activity, pk=pk) if pk else Activity()
    form = ActivityForm(request.POST, instance=instance, user=request.user)
    form.is_valid()
    data = form.cleaned_data
    conflicts = []
    if data.get("start"):
        draft = Activity(pk=instance.pk, title=data.get("title") or "", type=data.get("type") or "other",
                         pillar=data.get("pillar") or "people", start=data["start"],
                         precision=instance.precision, end=data.get("end"), end_precision=instance.end_precision,
                         location_country=data.get("location_country"), city=data.get("city") or "",
                         lead_organisation=data.get("lead_organisation"),
                         owner=instance.owner if instance.pk else permissions.user_organisation(request.user))
        draft.normalise_start()
        profile = services.profile_of(draft, countries=list(data.get("countries") or []),
                                      organisations=list(data.get("organisations") or []),
                                      persons=list(data.get("persons") or []))
        conflicts = services.find_conflicts(draft, profile=profile)
    return render(request, "activities/_conflicts.html", {"conflicts": conflicts, "live": True})


class CoordinationBoardView(ObjectListView):
    """Every activity with coordination warnings, from 30 days ago on, with the warnings themselves."""

    template_name = "activities/coordination.html"
    filterset_class = ActivityFilterSet
    title = gettext_lazy("Coordination board")
    paginate_by = 30

    def get_queryset(self):
        self.past = self.request.GET.get("past") == "1"
        qs = Activity.objects.filter(conflict_count__gt=0).exclude(status=Status.CANCELLED).select_related(
            "lead_organisation", "owner")
        if not self.past:
            qs = qs.filter(span_end__gte=timezone.localdate() - dt.timedelta(days=30))
        self.queryset = qs.order_by("start", "id")
        return super().get_queryset()

    def get_template_names(self):
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [(a, services.find_conflicts(a)) for a in context["object_list"]]
        context["window"] = services.conflict_window_days()
        context["alignment"], context["alignment_year"] = priority_alignment(), timezone.localdate().year
        return context


def priority_alignment(year: int | None = None) -> list[tuple[str, int]]:
    """How many of this year's activities serve each national priority (and how many serve none)."""
    from amity.activities.choices import Priority

    year = year or timezone.localdate().year
    rows = Activity.objects.exclude(status=Status.CANCELLED).filter(start__year=year).values_list("priorities",
                                                                                                   flat=True)
    counts = dict.fromkeys(Priority.values, 0)
    none = 0
    for priorities in rows:
        if not priorities:
            none += 1
        for p in priorities or []:
            if p in counts:
                counts[p] += 1
    labels = dict(Priority.choices)
    return [(str(labels[k]), v) for k, v in counts.items()] + [(_("none of them"), none)]


# ---- agreements -------------------------------------------------------------------------------------------


class AgreementListView(ObjectListView):
    queryset = Agreement.objects.prefetch_related("countries", "organisations")
    filterset_class = AgreementFilterSet
    add_url_name = "activities:agreement_add"
    title = gettext_lazy("Agreements")
    columns = [(gettext_lazy("Title"), "title"), (gettext_lazy("Kind"), "get_kind_display"),
               (gettext_lazy("Parties"), "parties_label"), (gettext_lazy("Signed on"), "signed_on"),
               (gettext_lazy("In force until"), "in_force_until"), (gettext_lazy("Status"), "get_status_display")]


class AgreementDetailView(ObjectDetailView):
    model = Agreement
    template_name = "activities/agreement_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activities"] = self.object.activities.all()[:50]
        context["days_left"] = self.object.days_left()
        return context


class AgreementCreateView(ObjectCreateView):
    model = Agreement
    form_class = AgreementForm


class AgreementUpdateView(ObjectUpdateView):
    model = Agreement
    form_class = AgreementForm


def agreement_renew(request, pk: int):
    """Record a renewal: a new draft agreement with the same parties; the old one is marked renewed by it."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    old = get_object_or_404(Agreement, pk=pk)
    require_editor(request.user, old)
    if old.status not in (AgreementStatus.IN_FORCE, AgreementStatus.SIGNED, AgreementStatus.EXPIRED):
        messages.error(request, _("Only a signed, in-force or expired agreement can be renewed."))
        return redirect(old)
    with transaction.atomic():
        new = Agreement.objects.create(
            title=old.title, kind=old.kind, parties_text=old.parties_text, renewal_terms=old.renewal_terms,
            owner=old.owner, created_by=request.user, updated_by=request.user, status=AgreementStatus.DRAFT)
        new.countries.set(old.countries.all())
        new.organisations.set(old.organisations.all())
        old.status, old.renewed_by, old.updated_by = AgreementStatus.RENEWED, new, request.user
        old.save()
    messages.success(request, _("Renewal recorded: complete the new agreement's dates once it is signed."))
    return redirect(reverse("activities:agreement_edit", args=[new.pk]))


def agreement_scan(request, pk: int):
    """The signed text, served to logged-in users only (uploaded files are not public media)."""
    from django.http import FileResponse, Http404

    agreement = get_object_or_404(Agreement, pk=pk)
    if not agreement.scan:
        raise Http404
    try:
        handle = agreement.scan.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    name = agreement.scan.name.rsplit("/", 1)[-1]
    return FileResponse(handle, as_attachment=not name.lower().endswith(".pdf"), filename=name)


class AgreementDeleteView(ObjectDeleteView):
    model = Agreement

    def get_success_url(self):
        return reverse("activities:agreement_list")


def expiring_agreements(today: dt.date | None = None, days: int = 183):
    today = today or timezone.localdate()
    return Agreement.objects.filter(
        status__in=[AgreementStatus.IN_FORCE, AgreementStatus.SIGNED],
        in_force_until__gte=today, in_force_until__lte=today + dt.timedelta(days=days),
    ).order_by("in_force_until")


def pending_approvals(user):
    qs = Activity.objects.filter(status=Status.PROPOSED).select_related("lead_organisation", "owner")
    if permissions.is_admin(user):
        return qs
    org = permissions.user_organisation(user)
    if not permissions.is_editor(user) or org is None:
        return qs.none()
    return qs.filter(Q(lead_organisation=org) | Q(lead_organisation__isnull=True, owner=org))


def home_widget(request):
    if not request.user.is_authenticated:
        return None
    today = timezone.localdate()
    return {
        "template": "activities/_home_widget.html",
        "upcoming": Activity.objects.filter(span_end__gte=today, start__lte=today + dt.timedelta(days=60)).exclude(
            status=Status.CANCELLED).order_by("start")[:8],
        "expiring": expiring_agreements(today)[:8],
        "pending": pending_approvals(request.user).order_by("start")[:8],
    }


def require_editor(user, obj):
    if not permissions.can_edit(user, obj):
        raise PermissionDenied(_("Only editors of the owner organisation can change this record."))
