"""Forgetting a person, everywhere: one registry, and each app says how it forgets its own rows.

An app registers a forgetter in its own `forgetting.py`:

    @forgetter("newsletter", order=50)
    def forget_subscriber(person_id: int, email: str, name: str, actor) -> int:
        ...  # erase or anonymise this app's rows about the person; return how many

`forget_everywhere()` runs every forgetter, lowest `order` first, in one transaction, so a
person is forgotten completely or not at all. core imports no other app: the registry is filled
by `autodiscover_modules("forgetting")`, the way `schedule.py` finds each app's `tasks`.

The helpers below (`scrub`, `scrub_rows`) replace mentions of the person's full name and email
address in free text, for the apps whose rows can mention someone without pointing at them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils.module_loading import autodiscover_modules

from roundtable.core.models import AuditEntry, OutboundEmail

FORGOTTEN_NAME = "Someone who asked to be forgotten"
FORGOTTEN_EMAIL = "forgotten@forgotten.invalid"
REMOVED = "[removed]"

# A name this short would match too much of other people's text to be replaced safely.
SHORTEST_NAME_TO_SCRUB = 3


class Forgetter(Protocol):
    def __call__(self, person_id: int, email: str, name: str, actor: Any) -> int: ...


@dataclass(frozen=True)
class Registered:
    name: str
    order: int
    forget: Forgetter


_forgetters: dict[str, Registered] = {}


def forgetter(name: str, order: int = 100) -> Callable[[Forgetter], Forgetter]:
    """Register `func` as how one part of the product forgets a person. Lower `order` runs first."""

    def register(func: Forgetter) -> Forgetter:
        _forgetters[name] = Registered(name=name, order=order, forget=func)
        return func

    return register


def forgetters() -> list[Registered]:
    """Every registered forgetter, in the order they run."""
    autodiscover_modules("forgetting")
    return sorted(_forgetters.values(), key=lambda f: (f.order, f.name))


def forget_everywhere(*, person_id: int, email: str, name: str, actor: Any) -> dict[str, int]:
    """Run every forgetter in one transaction; returns how many rows each erased or anonymised."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for registered in forgetters():
            counts[registered.name] = registered.forget(person_id, email, name, actor)
    return counts


# --- Replacing mentions in free text --------------------------------------------------------------


def needles(*, email: str, name: str) -> list[str]:
    """What counts as a mention: the email address, and the full name unless it is too short."""
    found = [email.strip()] if email.strip() else []
    if len(name.strip()) >= SHORTEST_NAME_TO_SCRUB:
        found.append(" ".join(name.split()))
    return found


def _pattern(words: list[str]) -> re.Pattern[str] | None:
    if not words:
        return None
    # Whole words only, so forgetting "Ann" leaves "Annual" alone; any run of spaces in a name.
    alternatives = [r"\s+".join(re.escape(part) for part in word.split()) for word in words]
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def scrub(value: Any, *, email: str, name: str, replacement: str = REMOVED) -> Any:
    """`value` with every mention replaced; strings inside lists and dicts (JSON) too."""
    pattern = _pattern(needles(email=email, name=name))
    return _scrub(value, pattern, replacement) if pattern else value


def _scrub(value: Any, pattern: re.Pattern[str], replacement: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(replacement, value)
    if isinstance(value, list):
        return [_scrub(v, pattern, replacement) for v in value]
    if isinstance(value, dict):
        return {k: _scrub(v, pattern, replacement) for k, v in value.items()}
    return value


def mentions(value: Any, *, email: str, name: str) -> bool:
    return scrub(value, email=email, name=name) != value


def scrub_rows(
    queryset: models.QuerySet,
    fields: Iterable[str],
    *,
    email: str,
    name: str,
    replacement: str = REMOVED,
    whole: bool = False,
) -> int:
    """Replace mentions of the person in these text or JSON fields of the queryset's rows (with
    `whole`, a field that mentions them becomes `replacement` entirely: for "who said it" fields);
    returns how many rows changed. The database narrows the rows down (a substring search, also
    for JSON as text), then each candidate is checked word by word here."""
    fields = list(fields)
    words = needles(email=email, name=name)
    if not words or not fields:
        return 0
    model = queryset.model
    json_fields = {f for f in fields if isinstance(model._meta.get_field(f), models.JSONField)}
    annotations = {f"_text_{f}": Cast(f, TextField()) for f in json_fields}
    candidates = Q()
    for word in words:
        # JSON may be stored with non-ASCII characters escaped (SQLite) or as they are (PostgreSQL).
        forms = {word, json.dumps(word)[1:-1]}
        for field in fields:
            lookup = f"_text_{field}" if field in json_fields else field
            for form in forms:
                candidates |= Q(**{f"{lookup}__icontains": form})
    changed = 0
    for row in queryset.annotate(**annotations).filter(candidates).values("pk", *fields):
        updates = {}
        for field in fields:
            new = scrub(row[field], email=email, name=name, replacement=replacement)
            if new != row[field]:
                updates[field] = replacement if whole else new
        if updates:
            model._default_manager.filter(pk=row["pk"]).update(**updates)
            changed += 1
    return changed


# --- What core itself holds: the outbox and the audit log ---------------------------------------


@forgetter("core", order=1000)
def forget_in_outbox_and_audit_log(person_id: int, email: str, name: str, actor: Any) -> int:
    """Runs last, after every other part has written its own cancellations. Emails to the person
    still waiting to go (queued, waiting to retry, or held by a mailer) are cancelled, so they are
    never sent; every email to them keeps its row (the outbox's counts stay right) but neither their
    address nor its details (the ids it was built from); their name or address goes from every
    other email's details and every audit entry, whose labels are blanked."""
    touched = 0
    address = email.strip()
    if address:
        to_them = OutboundEmail.objects.filter(to__iexact=address)
        # SENDING too: an email a mailer holds is read again just before it goes, and one whose
        # mailer died would otherwise be sent by the next mailer when its lease runs out.
        waiting = [OutboundEmail.State.QUEUED, OutboundEmail.State.RETRYING, OutboundEmail.State.SENDING]
        to_them.filter(state__in=waiting).update(
            state=OutboundEmail.State.FAILED,
            next_attempt_at=None,
            lease_until=None,
            last_error="Not sent: the person asked to be forgotten.",
        )
        touched += to_them.update(to=FORGOTTEN_EMAIL, context={})
    touched += scrub_rows(OutboundEmail.objects.all(), ["context", "subject", "last_error"], email=email, name=name)
    touched += scrub_rows(
        AuditEntry.objects.all(), ["target_label", "actor_label"], email=email, name=name, replacement="", whole=True
    )
    touched += scrub_rows(AuditEntry.objects.all(), ["data"], email=email, name=name)
    return touched
