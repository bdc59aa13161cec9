"""How records forget a person (see core/forgetting.py). Records hold no link to a Person except
"you said, we did" deliveries (kept: they count who was told); a person appears in them only by
name, as an output's credit or in what was written down."""

from __future__ import annotations

from roundtable.core.forgetting import forgetter, scrub_rows
from roundtable.records.models import Action, Decision, Output


@forgetter("records", order=30)
def forget_credits(person_id: int, email: str, name: str, actor) -> int:
    """An output credited to them becomes anonymous (an empty credit); their name or email in an
    output's, decision's or action's text is replaced. The outputs themselves stay."""
    touched = scrub_rows(Output.objects.all(), ["credit"], email=email, name=name, replacement="", whole=True)
    touched += scrub_rows(Output.objects.all(), ["caption", "alt_text", "transcript", "body"], email=email, name=name)
    touched += scrub_rows(
        Decision.objects.all(), ["title", "question", "options", "method_other", "votes"], email=email, name=name
    )
    touched += scrub_rows(Action.objects.all(), ["title", "not_doing_reason", "outcome"], email=email, name=name)
    return touched
