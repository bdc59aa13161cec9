"""The coordinators' blog forms: a post in the editor and an image upload. The public reply form
stays in roundtable.blog.forms."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from roundtable.blog.models import Post


class PostForm(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title"})
    summary = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One or two sentences. Shown in the list of posts, in feeds and when the post is shared.",
        error_messages={"required": "Enter a summary"},
    )
    body_markdown = forms.CharField(
        label="Post",
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=(
            "Write in Markdown: a blank line between paragraphs, ## for a heading, - for a list, "
            "[words](https://example.org) for a link. To show an uploaded image, paste its code, "
            "like ![](image:12). HTML is shown as typed, not used."
        ),
        error_messages={"required": "Enter the post"},
    )
    tags = forms.CharField(
        label="Tags (optional)",
        required=False,
        max_length=300,
        help_text="Separate tags with commas, for example: access, co-production",
    )
    status = forms.ChoiceField(
        label="Who can see it",
        widget=forms.RadioSelect,
        choices=[
            (Post.Status.DRAFT, "Draft: only coordinators can see it"),
            (Post.Status.SCHEDULED, "Scheduled: it appears on the date and time you choose"),
            (Post.Status.PUBLISHED, "Published: everyone can read it now"),
        ],
        initial=Post.Status.DRAFT,
        error_messages={"required": "Choose who can see the post"},
    )
    publish_day = forms.IntegerField(label="Day", required=False, min_value=1, max_value=31)
    publish_month = forms.IntegerField(label="Month", required=False, min_value=1, max_value=12)
    publish_year = forms.IntegerField(label="Year", required=False, min_value=2000, max_value=2100)
    publish_time = forms.CharField(
        label="Time", required=False, max_length=5, help_text="Use the 24-hour clock, for example 09:30 or 14:00"
    )

    def __init__(self, *args, post: Post | None = None, **kwargs):
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(post)
        super().__init__(*args, **kwargs)
        # Invalid numbers in the date get the same plain message as a missing date.
        for name in ("publish_day", "publish_month", "publish_year"):
            self.fields[name].error_messages.update(
                {
                    "invalid": "The publish date must be a real date, like 27 3 2026",
                    "min_value": "The publish date must be a real date, like 27 3 2026",
                    "max_value": "The publish date must be a real date, like 27 3 2026",
                }
            )

    @staticmethod
    def initial_for(post: Post) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "title": post.title,
            "summary": post.summary,
            "body_markdown": post.body_markdown,
            "tags": ", ".join(t.name for t in post.tags.all()),
            # A scheduled post whose time has come is simply published now.
            "status": Post.Status.PUBLISHED if post.is_public else post.status,
        }
        if post.publish_at and not post.is_public:
            local = timezone.localtime(post.publish_at)
            initial.update(
                publish_day=local.day,
                publish_month=local.month,
                publish_year=local.year,
                publish_time=local.strftime("%H:%M"),
            )
        return initial

    def clean_tags(self) -> list[str]:
        return [t.strip() for t in self.cleaned_data["tags"].split(",") if t.strip()]

    def clean(self):
        data = super().clean()
        data["publish_at"] = None
        if data.get("status") != Post.Status.SCHEDULED:
            return data
        if any(self.has_error(f) for f in ("publish_day", "publish_month", "publish_year")):
            return data
        day, month, year = data.get("publish_day"), data.get("publish_month"), data.get("publish_year")
        if not (day and month and year):
            self.add_error("publish_day", "Enter the date to publish the post, including a day, month and year")
            return data
        try:
            hour, minute = (int(x) for x in (data.get("publish_time") or "").strip().split(":"))
            clock = time(hour, minute)
        except ValueError:
            self.add_error("publish_time", "Enter the time to publish the post, like 09:30 or 14:00")
            return data
        try:
            when = timezone.make_aware(datetime(year, month, day, clock.hour, clock.minute))
        except ValueError:
            self.add_error("publish_day", "The publish date must be a real date, like 27 3 2026")
            return data
        if when <= timezone.now():
            self.add_error(
                "publish_day", "The publish date and time must be in the future. To publish now, choose Published"
            )
            return data
        data["publish_at"] = when
        return data


class ImageForm(forms.Form):
    file = forms.FileField(
        label="Image",
        help_text="A JPG, PNG, GIF or WebP, up to 10MB. We remove hidden details like location from photos.",
        error_messages={"required": "Choose an image to upload", "empty": "The image file is empty"},
    )
    alt_text = forms.CharField(
        label="Alt text",
        max_length=300,
        help_text="Describe what the image shows for people who cannot see it, for example: "
        "Six people around a table covered in sticky notes.",
        error_messages={"required": "Enter alt text that describes the image"},
    )
    caption = forms.CharField(label="Caption (optional)", max_length=300, required=False)
