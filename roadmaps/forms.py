from django import forms

from roadmaps.models import NOTE_MAX_LENGTH, Status


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices)


class NoteForm(forms.Form):
    text = forms.CharField(
        required=False,
        max_length=NOTE_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "Notes can be at most %(limit_value)d characters long."},
    )
