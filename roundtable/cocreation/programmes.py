"""Writes to programmes: keyword-only, atomic and audited, like every service."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from roundtable.cocreation.models import Programme
from roundtable.core import audit


def _programme_values(name: str, slug: str, summary: str) -> dict:
    name = " ".join(name.split())
    return {"name": name, "slug": (slug.strip() or slugify(name))[:50], "summary": summary.strip()}


@transaction.atomic
def programme_create(*, actor, name: str, slug: str = "", summary: str = "") -> Programme:
    """Add a programme. An empty slug is made from the name. Raises ValidationError (per field)."""
    programme = Programme(**_programme_values(name, slug, summary))
    programme.full_clean()
    programme.save()
    audit.log(actor, "programme.created", programme)
    return programme


@transaction.atomic
def programme_update(*, programme: Programme, actor, name: str, slug: str = "", summary: str = "") -> list[str]:
    """Change a programme's name, web address or summary; returns the names of what changed."""
    values = _programme_values(name, slug, summary)
    changed = [field for field, value in values.items() if getattr(programme, field) != value]
    for field in changed:
        setattr(programme, field, values[field])
    programme.full_clean()
    if changed:
        programme.save(update_fields=changed)
        audit.log(actor, "programme.updated", programme, changed=changed)
    return changed
