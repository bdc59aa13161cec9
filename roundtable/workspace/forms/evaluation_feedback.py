"""The feedback questions for typing in a paper form (the coordinators' page)."""

from __future__ import annotations

from roundtable.evaluation.forms_feedback import CUBE_ERRORS, FeedbackForm


class PaperFeedbackForm(FeedbackForm):
    """The same questions, worded as on the paper: any may be left blank, and there is no name to keep."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["anonymous"]
        for name in [*CUBE_ERRORS, "feeling"]:
            self.fields[name].required = False
            if not self.fields[name].label.endswith("(optional)"):
                self.fields[name].label += " (optional)"
