from django import forms

from quizzes.models import Choice


class AnswerForm(forms.Form):
    """One answer: the question it is for (so a replay of an old page is recognised) and the
    chosen choice ids, which must be the question's own."""

    question = forms.IntegerField()
    choice = forms.TypedMultipleChoiceField(
        coerce=int,
        error_messages={
            "required": "Choose an answer first.",
            "invalid_choice": "That choice is not one of this question's choices.",
        },
    )

    def __init__(self, *args, choices: list[Choice], multiple: bool, **kw):
        super().__init__(*args, **kw)
        self.multiple = multiple
        self.fields["choice"].choices = [(choice.pk, choice.text) for choice in choices]
        if not multiple:
            self.fields["choice"].error_messages["required"] = "Choose one answer first."

    def clean_choice(self):
        chosen = self.cleaned_data["choice"]
        if not self.multiple and len(chosen) > 1:
            raise forms.ValidationError("Choose only one answer.", code="one_only")
        return chosen


class SelfCheckForm(forms.Form):
    skill = forms.SlugField(max_length=50)
    result = forms.ChoiceField(
        choices=[("known", "I still know this"), ("revisit", "I need to revisit it")]
    )
