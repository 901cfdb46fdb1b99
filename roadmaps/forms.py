from django import forms

from roadmaps.models import NOTE_MAX_LENGTH, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class RoadmapStatusForm(forms.Form):
    """The roadmap page's status buttons share one form; each names its step and status."""

    set = forms.RegexField(regex=r"^[0-9]{1,18}:[a-z_]{1,20}$")

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
