from django import forms
from django.utils import timezone

from roadmaps.models import NOTE_MAX_LENGTH, LearningPlan, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class RoadmapStatusForm(forms.Form):
    """The roadmap page's status buttons share one form; each names its step and status."""

    set = forms.RegexField(regex=r"^[0-9]{1,18}:[a-z_]{1,20}$")
    # Sent by the next-step box while the roadmap is a goal, so the box hears of the change.
    goal = forms.BooleanField(required=False)

    def clean_set(self) -> tuple[int, Status]:
        step_id, status = self.cleaned_data["set"].split(":")
        if status not in Status.values:
            raise forms.ValidationError("That is not a status a step can have.")
        return int(step_id), Status(status)


class NoteForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Notes can be at most %(limit_value)d characters long."},
    )


class PlanForm(forms.Form):
    hours_per_week = forms.IntegerField(
        label="Hours a week",
        min_value=LearningPlan.HOURS_PER_WEEK[0],
        max_value=LearningPlan.HOURS_PER_WEEK[1],
        help_text="How many hours you can study in a typical week (1 to 80).",
        error_messages={
            "min_value": "Plan at least 1 hour a week.",
            "max_value": "80 hours a week is the most a plan can take.",
            "invalid": "Enter a whole number of hours, from 1 to 80.",
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    target_date = forms.DateField(
        label="Finish by (optional)",
        required=False,
        help_text="The plan then tells you whether you are on track.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date such as 2027-06-30."},
    )

    def __init__(self, *args, allow_past: bool = False, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_past = allow_past
        self.today = today

    def clean_target_date(self):
        target = self.cleaned_data["target_date"]
        today = self.today or timezone.localdate()
        if target and not self.allow_past and target < today:
            raise forms.ValidationError("Choose a date from today on: that one has passed.")
        if target and target.year > today.year + 50:
            raise forms.ValidationError("Choose a date within the next 50 years.")
        return target
