from __future__ import annotations

from django import forms


class CommentForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="Shown with your reply. You can use any name you like.",
        error_messages={"required": "Enter your name", "max_length": "Your name must be 100 characters or fewer"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="We never show it. We use it only to recognise you next time.",
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    comment = forms.CharField(
        label="Your reply",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Plain text. Web addresses starting with http:// or https:// become links.",
        error_messages={"required": "Enter your reply", "max_length": "Your reply must be 5,000 characters or fewer"},
    )
    # The honeypot: hidden from people (and screen readers); form-filling bots complete it.
    website = forms.CharField(label="Leave this empty", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")

    @property
    def is_bot(self) -> bool:
        return bool((self.data.get("website") or "").strip())
