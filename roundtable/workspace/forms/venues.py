"""The venue form: a place's accessibility as structured facts. The venue services write it."""

from __future__ import annotations

from django import forms

from roundtable.cocreation.models import Availability, Venue
from roundtable.core.forms import GovukDateField


class VenueForm(forms.ModelForm):
    last_checked = GovukDateField(
        what="The date the facts were last checked",
        label="Facts last checked on (optional)",
        required=False,
        help_text="When someone last went and checked these facts, for example 4 11 2026.",
    )

    class Meta:
        model = Venue
        fields = [
            "name", "address", "postcode",
            "step_free", "step_free_note", "accessible_toilet", "accessible_toilet_note", "hearing_loop",
            "quiet_space", "quiet_space_note", "seating", "lighting", "nearest_station", "nearest_bus",
            "parking", "food_and_drink", "other_notes", "last_checked",
        ]  # fmt: skip
        labels = {
            "name": "Name",
            "address": "Address",
            "postcode": "Postcode (optional)",
            "step_free": "Is there a step-free route in?",
            "step_free_note": "About the route in (optional)",
            "accessible_toilet": "Is there an accessible toilet?",
            "accessible_toilet_note": "About the toilet (optional)",
            "hearing_loop": "Is there a hearing loop?",
            "quiet_space": "Is there a quiet space to take a break?",
            "quiet_space_note": "About the quiet space (optional)",
            "seating": "Seating (optional)",
            "lighting": "Lighting (optional)",
            "nearest_station": "Nearest station (optional)",
            "nearest_bus": "Nearest bus (optional)",
            "parking": "Parking (optional)",
            "food_and_drink": "Food and drink (optional)",
            "other_notes": "Anything else people should know (optional)",
        }
        help_texts = {
            "step_free_note": "For example, where the ramp is, or how wide the doors are.",
            "seating": "For example, chairs with arms, sofas, space for wheelchairs at tables.",
            "lighting": "For example, natural light, lights can be dimmed.",
            "nearest_station": "With the walking time and whether the way is level.",
            "parking": "Including Blue Badge spaces.",
            "food_and_drink": "What is provided, and whether dietary needs can be met.",
        }
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "postcode": forms.TextInput(attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}),
            "step_free": forms.RadioSelect,
            "accessible_toilet": forms.RadioSelect,
            "hearing_loop": forms.RadioSelect,
            "quiet_space": forms.RadioSelect,
            "other_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            label = (field.label or name).replace(" (optional)", "")
            field.error_messages["required"] = (
                f"Choose an answer for “{label}”"
                if isinstance(field.widget, forms.RadioSelect)
                else f"Enter the {label.lower()}"
            )
            if isinstance(field.widget, forms.RadioSelect):
                field.error_messages["invalid_choice"] = f"Choose an answer for “{label}” from the list"
                field.choices = [(value, text) for value, text in Availability.choices]
            if getattr(field, "max_length", None):
                field.error_messages["max_length"] = f"{label} must be {field.max_length:,} characters or fewer"

    def _post_clean(self):
        # A ModelForm copies the answers onto its instance here; the venue services do that (and
        # the model's own checks) themselves, and need the instance unchanged to see what changed.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
