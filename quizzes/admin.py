from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import ContentAdmin, ContentInline, PartPagesMixin
from quizzes.models import Choice, ChoiceWeight, Question, Quiz, Sitting

NO_CORRECT_CHOICE = "A knowledge question needs at least one correct choice: tick “Is correct”."
NO_WEIGHT = (
    "A career-fit choice needs at least one role weight: add the role(s) this choice points "
    "to and how strongly (1 = a hint, 3 = a strong sign)."
)
NEW_FIT_CHOICE = (
    "Add a career-fit choice with “Add choice” on the Choices page, where you also give the "
    "roles it points to; a choice without role weights cannot count."
)


def _live_forms(formset):
    """The forms of an inline formset that will be saved (filled in and not deleted)."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
    ]


class ChoiceFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        quiz = self.instance.quiz if self.instance.quiz_id else None
        if quiz is None:
            return
        live = _live_forms(self)
        if quiz.is_knowledge:
            if not any(form.cleaned_data.get("is_correct") for form in live):
                raise ValidationError(NO_CORRECT_CHOICE)
            return
        # Inlines cannot nest, so a career-fit choice gets its weights on its own page.
        if any(form.instance.pk is None for form in live):
            raise ValidationError(NEW_FIT_CHOICE)
        if any(not form.instance.weights.exists() for form in live):
            raise ValidationError(NO_WEIGHT)


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    extra = 0
    fields = ["position", "text", "is_correct", "weights"]
    readonly_fields = ["weights"]
    show_change_link = True

    @admin.display(description="Role weights (career fit; edit on the choice's page)")
    def weights(self, choice):
        if choice.pk is None:
            return "—"
        return ", ".join(f"{w.role.short_name} {w.weight}" for w in choice.weights.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("weights__role")


class QuestionInline(ContentInline):
    """The quiz's questions at a glance, a page at a time. New questions are added on the
    Questions page, with their choices, so a question can never be saved without a way to
    answer it; and deleted there, where learners' answers to it are counted rather than
    listed."""

    model = Question
    can_delete = False
    fields = ["position", "text", "topic", "role", "skill"]
    autocomplete_fields = ["role", "skill"]
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Quiz)
class QuizAdmin(PartPagesMixin, ContentAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "last_reviewed",
        "questions_per_sitting",
        "question_count",
    ]
    list_filter = ["kind", "status"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    fieldsets = [
        (None, {"fields": ["title", "slug", "kind", "intro", "questions_per_sitting", "position"]}),
        ("Publishing", {"fields": ["status", "last_reviewed"]}),
    ]
    inlines = [QuestionInline]
    # The questions have a page of their own, so the quiz's page stays small.
    parts = {"questions": ("Questions", QuestionInline)}
    instead_of_deleting = "Unpublish {it} (set its status to draft) instead."

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))

    @admin.display(description="Questions", ordering="question_count")
    def question_count(self, quiz):
        return quiz.question_count


class QuestionForm(forms.ModelForm):
    class Meta:
        # A plain list box, as for a skill's prerequisites: a multiple autocomplete's search box
        # has no label and fails axe. One control; it works without JavaScript.
        widgets = {"skills": forms.SelectMultiple(attrs={"size": 12})}


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    form = QuestionForm
    list_display = ["__str__", "quiz", "position", "topic", "role", "skill", "choice_count"]
    list_filter = ["quiz", "topic", "role", "skills"]
    list_select_related = ["quiz", "role", "skill"]
    search_fields = ["text", "explanation"]
    autocomplete_fields = ["role", "skill"]
    fields = [
        "quiz",
        "position",
        "text",
        "explanation",
        "topic",
        "skills",
        "role",
        "skill",
        "answer_path",
    ]
    inlines = [ChoiceInline]
    instead_of_deleting = "Keep {it}: learners’ results show the questions they answered."

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(choice_count=Count("choices"))

    @admin.display(description="Choices", ordering="choice_count")
    def choice_count(self, question):
        return question.choice_count


class ChoiceWeightFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        question = self.instance.question if self.instance.question_id else None
        if question is not None and not question.quiz.is_knowledge and not _live_forms(self):
            raise ValidationError(NO_WEIGHT)


class ChoiceWeightInline(admin.TabularInline):
    model = ChoiceWeight
    formset = ChoiceWeightFormSet
    extra = 1
    fields = ["role", "weight"]


class ChoiceAdminForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ["question", "position", "text", "is_correct"]

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question")
        if question is not None and question.quiz.is_knowledge and not cleaned.get("is_correct"):
            others = question.choices.filter(is_correct=True).exclude(pk=self.instance.pk)
            if not others.exists():
                raise ValidationError(NO_CORRECT_CHOICE)
        return cleaned


@admin.register(Choice)
class ChoiceAdmin(ContentAdmin):
    """Where a career-fit choice's role weights are edited (inlines cannot nest)."""

    form = ChoiceAdminForm
    list_display = ["text", "question", "position", "is_correct", "weight_summary"]
    list_filter = ["question__quiz", "is_correct"]
    list_select_related = ["question__quiz"]
    search_fields = ["text", "question__text"]
    autocomplete_fields = ["question"]
    inlines = [ChoiceWeightInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("weights__role")

    @admin.display(description="Role weights")
    def weight_summary(self, choice):
        return ", ".join(f"{w.role.short_name} {w.weight}" for w in choice.weights.all())


@admin.register(Sitting)
class SittingAdmin(admin.ModelAdmin):
    """Learners' sittings, for support: read-only, and not part of the editors' permissions."""

    list_display = ["__str__", "quiz", "user", "created_at", "finished_at", "answered"]
    list_filter = ["quiz", "finished_at"]
    list_select_related = ["quiz", "user"]
    search_fields = ["user__email", "user__username"]
    fields = ["quiz", "user", "created_at", "finished_at", "questions"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(answer_count=Count("answers"))

    @admin.display(description="Answered", ordering="answer_count")
    def answered(self, sitting):
        return f"{sitting.answer_count} of {sitting.total}"

    @admin.display(description="Questions")
    def questions(self, sitting):
        links = Question.objects.filter(pk__in=sitting.question_ids)
        return format_html(
            "<ol>{}</ol>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a></li>',
                ((reverse("admin:quizzes_question_change", args=[q.pk]), q) for q in links),
            ),
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
