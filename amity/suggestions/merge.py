"""Merging duplicate organisations or people into one surviving record.

Everything that points at a duplicate is moved to the survivor, found generically through Django's model
metadata (foreign keys, many-to-many, generic relations such as citations, journal notes, suggestions and
signals), so links added by other apps move too. The duplicate's names become aliases of the survivor, empty
fields of the survivor are filled from the duplicate, the change history stays (simple-history keeps the
deleted duplicate's history and records the survivor's change) and a journal note on the survivor says what
was merged. All in one transaction.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils.translation import gettext as _

from amity.core import permissions
from amity.core.models import JournalNote
from amity.extract.normalize import fold
from amity.suggestions.matching import names_of

FILLABLE = {
    "partners.organisation": ["name_en", "name_vi", "acronym", "home_country", "partner_country", "province",
                              "parent", "website", "description", "key"],
    "partners.person": ["name_vi", "country", "description"],
}


def _is_history_model(model) -> bool:
    return model.__name__.startswith("Historical") and any(f.name == "history_date" for f in model._meta.fields)


def _skip(model, tables: set[str]) -> bool:
    """History tables keep the past as it was; models without a table (app not migrated) have nothing."""
    return _is_history_model(model) or model._meta.db_table not in tables


def _move_fk(model, field_name, duplicate, survivor) -> int:
    """Point ``model.field_name`` rows from duplicate to survivor; rows that would clash are dropped."""
    qs = model._base_manager.filter(**{field_name: duplicate})
    try:
        with transaction.atomic():
            return qs.update(**{field_name: survivor})
    except IntegrityError:
        pass
    moved = 0
    for row in qs:
        try:
            with transaction.atomic():
                model._base_manager.filter(pk=row.pk).update(**{field_name: survivor})
                moved += 1
        except IntegrityError:  # the survivor already has this row (e.g. a mention in the same document)
            _absorb_count(model, row, field_name, survivor)
            row.delete()
    return moved


def _absorb_count(model, row, field_name, survivor) -> None:
    if not any(f.name == "count" for f in model._meta.fields):
        return
    uniques = [c.fields for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    for fields in uniques:
        if field_name in fields:
            lookup = {f: getattr(row, f if f == field_name else model._meta.get_field(f).attname)
                      for f in fields if f != field_name}
            lookup[field_name] = survivor
            other = model._base_manager.filter(**lookup).exclude(pk=row.pk).first()
            if other is not None:
                model._base_manager.filter(pk=other.pk).update(count=models.F("count") + row.count)
                return


def move_relations(duplicate, survivor) -> dict[str, int]:
    """Move every link pointing at ``duplicate`` to ``survivor``. Returns counts per relation."""
    moved: dict[str, int] = {}
    model = type(survivor)
    tables = set(connection.introspection.table_names())
    for rel in model._meta.get_fields(include_hidden=True):
        if not rel.auto_created or rel.concrete:
            continue
        related_model = rel.related_model
        if related_model is None or _skip(related_model, tables):
            continue
        if rel.many_to_many:
            field = rel.field
            through = field.remote_field.through
            if _skip(through, tables):
                continue
            if not through._meta.auto_created:
                # An explicit through model: move its foreign key to us.
                for f in through._meta.fields:
                    if f.is_relation and f.related_model is model:
                        moved[f"{through._meta.label}.{f.name}"] = _move_fk(through, f.name, duplicate, survivor)
                continue
            # rel.field lives on the other model: move duplicate -> survivor on each owner
            source_name = field.m2m_reverse_field_name()  # the column pointing at our model
            rows = through._base_manager.filter(**{source_name: duplicate.pk})
            n = 0
            owner_col = field.m2m_field_name()
            for row in list(rows):
                owner_id = getattr(row, f"{owner_col}_id")
                exists = through._base_manager.filter(**{owner_col: owner_id, source_name: survivor.pk}).exists()
                if exists:
                    row.delete()
                else:
                    through._base_manager.filter(pk=row.pk).update(**{source_name: survivor.pk})
                    n += 1
            moved[f"{field.model._meta.label}.{field.name}"] = n
        elif rel.one_to_many or rel.one_to_one:
            field = rel.field
            if field.model is model and field.name == "parent":
                # children of the duplicate become children of the survivor, but not the survivor itself
                model._base_manager.filter(pk=survivor.pk, parent=duplicate).update(parent=None)
            moved[f"{field.model._meta.label}.{field.name}"] = _move_fk(field.model, field.name, duplicate, survivor)
    # Forward many-to-many fields of the record itself (tags).
    for field in model._meta.many_to_many:
        getattr(survivor, field.name).add(*getattr(duplicate, field.name).all())
    # Generic foreign keys anywhere (citations, journal notes, suggestions, signals...).
    ct = ContentType.objects.get_for_model(model)
    for other in apps.get_models():
        if _skip(other, tables):
            continue
        for field in other._meta.private_fields:
            if not isinstance(field, GenericForeignKey):
                continue
            ct_field = other._meta.get_field(field.ct_field)
            fk_field = field.fk_field
            qs = other._base_manager.filter(**{ct_field.name: ct, fk_field: duplicate.pk})
            n = 0
            for row in list(qs):
                try:
                    with transaction.atomic():
                        other._base_manager.filter(pk=row.pk).update(**{fk_field: survivor.pk})
                        n += 1
                except IntegrityError:
                    row.delete()
            if n:
                moved[f"{other._meta.label}.{field.name}"] = n
    return moved


def merge_records(survivor, duplicates, user, note: str = ""):
    """Merge ``duplicates`` into ``survivor`` (same model). Returns the survivor."""
    model = type(survivor)
    label = model._meta.label_lower
    if label not in FILLABLE:
        raise ValidationError(_("Only organisations and people can be merged."))
    duplicates = [d for d in duplicates if d.pk != survivor.pk]
    if not duplicates:
        raise ValidationError(_("Choose at least one duplicate other than the record that stays."))
    for record in (survivor, *duplicates):
        if type(record) is not model:
            raise ValidationError(_("Only records of the same kind can be merged."))
        if not permissions.can_edit(user, record):
            raise PermissionDenied(_("Only editors of the owner organisation can merge %(record)s.")
                                   % {"record": record})
    with transaction.atomic():
        survivor = model.objects.select_for_update().get(pk=survivor.pk)
        summary = []
        for duplicate in duplicates:
            duplicate = model.objects.select_for_update().get(pk=duplicate.pk)
            names = names_of(duplicate)
            fill = {}
            for field in FILLABLE[label]:
                if field == "key":
                    continue
                attname = model._meta.get_field(field).attname
                if not getattr(survivor, attname) and getattr(duplicate, attname):
                    fill[attname] = getattr(duplicate, attname)
            if label == "partners.organisation" and not survivor.key and duplicate.key:
                fill["key"] = duplicate.key
                model.objects.filter(pk=duplicate.pk).update(key=None)
            moved = move_relations(duplicate, survivor)
            survivor.refresh_from_db()
            for attname, value in fill.items():
                if attname == "parent_id" and value == survivor.pk:
                    continue
                setattr(survivor, attname, value)
            known = {fold(n) for n in names_of(survivor)}
            aliases = list(survivor.aliases or [])
            for name in names:
                if fold(name) not in known:
                    aliases.append(name)
                    known.add(fold(name))
            survivor.aliases = aliases
            summary.append((str(duplicate), duplicate.pk, names, {k: v for k, v in moved.items() if v}))
            duplicate.delete()
            survivor.updated_by = user
            survivor._change_reason = _("Merged duplicate %(name)s (#%(pk)s)") % {"name": summary[-1][0],
                                                                                  "pk": summary[-1][1]}
            survivor.save()
        lines = []
        for name, pk, names, moved in summary:
            links = ", ".join(f"{k}: {v}" for k, v in sorted(moved.items())) or _("none")
            lines.append(_("Merged %(name)s (#%(pk)s) into this record. Names kept as aliases: %(names)s. "
                           "Links moved: %(links)s.") % {"name": name, "pk": pk, "names": "; ".join(names),
                                                         "links": links})
        if note:
            lines.append(note)
        JournalNote.objects.create(target=survivor, text="\n".join(lines)[:20000], author=user)
    return survivor


def duplicate_pairs(model, limit: int = 30, cutoff: float = 92.0) -> list[tuple[object, object, float]]:
    """Likely duplicates: records whose folded names are nearly the same (rapidfuzz over all names)."""
    from rapidfuzz import fuzz, process

    from amity.suggestions.matching import NameIndex

    index = NameIndex(model)
    if len(index.keys) > 20000:
        return []
    matrix = process.cdist(index.keys, index.keys, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff,
                           dtype="uint8", workers=1)
    pairs: dict[tuple[int, int], float] = {}
    rows, cols = matrix.nonzero()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        a, b = index.ids[i], index.ids[j]
        if a >= b:
            continue
        if min(len(index.keys[i]), len(index.keys[j])) <= 5:
            continue
        score = float(matrix[i, j])
        if score > pairs.get((a, b), 0):
            pairs[(a, b)] = score
    best = sorted(pairs.items(), key=lambda kv: -kv[1])[:limit]
    return [(index.get(a), index.get(b), score) for (a, b), score in best]
