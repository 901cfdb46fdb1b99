"""Quizzes: the knowledge quiz (questions with one or more correct choices) and the career-fit
quiz (choices weighted towards roles), and each learner's sittings of them.

Content (quizzes, questions, choices, weights) has natural keys, like the careers content, so
fixtures load repeatably. A sitting fixes its questions and the order of their choices when it
starts, so it can be resumed later and always shows the same thing; an answer is recorded once
per question (a database constraint), so replaying a post can never change a score.
"""

import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse

from careers.models import Role, Skill
from core.links import content_url
from core.models import (
    NaturalKeyModel,
    NaturalKeyQuerySet,
    Publishable,
    PublishableQuerySet,
    natural_key_after,
)
from core.validators import is_site_path, validate_site_path


class QuizQuerySet(PublishableQuerySet, NaturalKeyQuerySet):
    pass


class Quiz(NaturalKeyModel, Publishable):
    # Quiz pages are not cached, so the editors of quizzes preview them.
    preview_permission = "quizzes.change_quiz"

    class Kind(models.TextChoices):
        KNOWLEDGE = "knowledge", "Knowledge quiz"
        CAREER_FIT = "career_fit", "Career-fit quiz"

    slug = models.SlugField(unique=True, help_text="Part of the page address; keep it stable.")
    title = models.CharField(max_length=120)
    kind = models.CharField(
        max_length=12,
        choices=Kind,
        default=Kind.KNOWLEDGE,
        help_text="Knowledge: questions have correct choices. Career fit: choices point to roles.",
    )
    intro = models.TextField(help_text="Shown before the learner starts: what the quiz is for.")
    questions_per_sitting = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1)],
        help_text="How many questions one sitting draws (all of them if the quiz has fewer).",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order on the quiz list.")

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]
        verbose_name_plural = "quizzes"

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return content_url("quizzes:quiz_detail", self.slug)

    @property
    def is_knowledge(self) -> bool:
        return self.kind == self.Kind.KNOWLEDGE


class Topic(models.TextChoices):
    ROLE = "role", "Roles"
    LIFECYCLE = "lifecycle", "The ML lifecycle"
    OLTP_OLAP = "oltp_olap", "OLTP vs OLAP"
    TOOLS = "tools", "Tools"
    SKILLS = "skills", "Skills"
    SALARIES = "salaries", "Salaries"
    CAREER_PATHS = "career_paths", "Career paths"
    INTERESTS = "interests", "What you enjoy"


# Where each topic's answers are on the question's role's page (the page's section ids). OLTP
# vs OLAP is explained on the page of the role whose diagram shows them (the data engineer's).
ROLE_PAGE_SECTIONS = {
    Topic.ROLE: "responsibilities",
    Topic.OLTP_OLAP: "oltp-olap",
    Topic.TOOLS: "tools",
    Topic.SKILLS: "skills",
    Topic.SALARIES: "career",
    Topic.CAREER_PATHS: "career",
    Topic.INTERESTS: "choose-if",
}


class Question(NaturalKeyModel):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField()
    explanation = models.TextField(
        blank=True, help_text="Shown after the learner answers: why the right answer is right."
    )
    topic = models.CharField(
        max_length=16, choices=Topic, default=Topic.ROLE, help_text="Used for the score breakdown."
    )
    role = models.ForeignKey(
        Role,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quiz_questions",
        help_text="The role the question is about, if any.",
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quiz_questions",
        help_text="The skill whose page explains the answer, if any; missed questions link to "
        "the roadmap steps that teach it.",
    )
    skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="questions",
        help_text="The skills this question tests: answering it is evidence of the learner's "
        "proficiency in each, and it can come up in their reviews.",
    )
    answer_path = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_site_path],
        help_text="Leave empty to link the page worked out from the topic, role and skill; or "
        "give a path on this site, e.g. /#all-roles-require.",
    )

    natural_key_fields = ("quiz__slug", "position")

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "position"], name="one_question_per_position")
        ]

    def __str__(self):
        return self.text if len(self.text) <= 80 else f"{self.text[:79]}…"

    natural_key = natural_key_after("quizzes.quiz", "careers.role", "careers.skill")

    @property
    def answer_url(self) -> str:
        """The page of this site that has the answer. (A path saved before paths were checked
        that is not a path on this site is ignored.)"""
        if self.answer_path and is_site_path(self.answer_path):
            return self.answer_path
        if self.topic == Topic.LIFECYCLE:
            return reverse("careers:lifecycle") + "#stages"
        if self.role_id:
            return f"{self.role.get_absolute_url()}#{ROLE_PAGE_SECTIONS[self.topic]}"
        if self.skill_id:
            return self.skill.get_absolute_url()
        if self.topic == Topic.CAREER_PATHS:
            return reverse("careers:role_list") + "#career-progression"
        return reverse("careers:role_list")

    @property
    def answer_page_name(self) -> str:
        """How the link to `answer_url` reads: "Read more on …"."""
        path = self.answer_url.partition("#")[0]
        if path == "/":
            return "the home page"
        if path == reverse("careers:lifecycle"):
            return "the ML lifecycle page"
        if path == reverse("careers:role_list"):
            return "the roles page"
        if self.skill_id and path == self.skill.get_absolute_url():
            return f"the {self.skill.name} skill page"
        if self.role_id and path == self.role.get_absolute_url():
            return f"the {self.role.name} page"
        return "this site"

    def correct_ids(self) -> set[int]:
        """From the prefetched choices."""
        return {choice.pk for choice in self.choices.all() if choice.is_correct}

    @property
    def is_multiple(self) -> bool:
        """More than one correct choice: shown as checkboxes rather than radio buttons."""
        return len(self.correct_ids()) > 1

    def choices_in(self, order: list[int]) -> list["Choice"]:
        """The prefetched choices in a sitting's shuffled order; choices added since the
        sitting started come last, deleted ones are gone."""
        rank = {pk: index for index, pk in enumerate(order)}
        return sorted(self.choices.all(), key=lambda c: (rank.get(c.pk, len(rank)), c.position))


class Choice(NaturalKeyModel):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300)
    is_correct = models.BooleanField(
        default=False, help_text="Knowledge quiz: tick every correct choice (at least one)."
    )

    natural_key_fields = ("question__quiz__slug", "question__position", "position")

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "position"], name="one_choice_per_position")
        ]

    def __str__(self):
        return self.text

    natural_key = natural_key_after("quizzes.question")


class ChoiceWeight(NaturalKeyModel):
    """Career-fit quiz: how strongly picking a choice points towards a role."""

    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="weights")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="quiz_weights")
    weight = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1)], help_text="1 = a hint, 3 = a strong sign."
    )

    natural_key_fields = (
        "choice__question__quiz__slug",
        "choice__question__position",
        "choice__position",
        "role__slug",
    )

    class Meta:
        ordering = ["choice", "-weight", "role__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["choice", "role"], name="one_weight_per_choice_and_role"
            ),
            models.CheckConstraint(condition=Q(weight__gte=1), name="weight_is_positive"),
        ]

    def __str__(self):
        return f"{self.choice} → {self.role.short_name} ({self.weight})"

    natural_key = natural_key_after("quizzes.choice", "careers.role")


# --- Learner data -------------------------------------------------------------------------

# How many sittings a page of a learner's quiz history shows (the dashboard shows the first).
HISTORY_PAGE_SIZE = 20


class SittingQuerySet(models.QuerySet):
    def finished(self):
        return self.filter(finished_at__isnull=False)

    def unfinished(self):
        return self.filter(finished_at__isnull=True)

    def with_scores(self):
        """Annotates `correct` and `answered`, in the same query."""
        return self.annotate(
            answered=Count("answers"), correct=Count("answers", filter=Q(answers__is_correct=True))
        )

    def anonymous(self):
        return self.filter(user__isnull=True)

    def history_for(self, user):
        return (
            self.filter(user=user)
            .select_related("quiz")
            .with_scores()
            .order_by("-created_at", "-pk")
        )


class Sitting(models.Model):
    """One go at a quiz. Its questions and their choices' order are drawn when it starts."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="sittings")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz_sittings",
        help_text="Empty while the sitting belongs to an anonymous visitor's session.",
    )
    # What the sitting was drawn from: "" for the quiz's general mix, "skill:<slug>",
    # "level:<roadmap slug>:<stage>", or "review:<skill slug>,…" for a spaced review of the
    # learner's skills (at most five, named by slug so an export means the same anywhere).
    scope = models.CharField(max_length=300, blank=True, default="")
    question_ids = models.JSONField(default=list, help_text="The drawn questions, in order.")
    choice_order = models.JSONField(
        default=dict, help_text="{question id: [choice ids in the order shown]}."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SittingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.quiz} — {self.created_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("quizzes:sitting_detail", args=[self.quiz.slug, self.pk])

    def get_result_url(self):
        return reverse("quizzes:sitting_result", args=[self.quiz.slug, self.pk])

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None

    @property
    def total(self) -> int:
        return len(self.question_ids)

    def score(self) -> int:
        """Correct answers: from the `with_scores()` annotation when there is one."""
        if hasattr(self, "correct"):
            return self.correct
        return self.answers.filter(is_correct=True).count()

    @property
    def percent(self) -> int:
        return round(100 * self.score() / self.total) if self.total else 0

    def state(self, also: int | None = None) -> "SittingState":
        """Where the sitting is: its answers and the questions still to answer (plus question
        `also`, when the page shows feedback on it), in three queries whatever its size."""
        answers = {answer.question_id: answer for answer in self.answers.all()}
        pending = [pk for pk in self.question_ids if pk not in answers]
        wanted = set(pending) | ({also} if also in answers else set())
        questions = Question.objects.filter(pk__in=wanted).select_related("role", "skill")
        by_id = {q.pk: q for q in questions.prefetch_related("choices")}
        # A question deleted since the sitting started is skipped.
        pending = [pk for pk in pending if pk in by_id]
        return SittingState(
            sitting=self,
            answers=answers,
            current=by_id[pending[0]] if pending else None,
            following=by_id[pending[1]] if len(pending) > 1 else None,
            shown=by_id.get(also),
            remaining=len(pending),
        )

    def choices_for(self, question: Question) -> list[Choice]:
        return question.choices_in(self.choice_order.get(str(question.pk), []))


@dataclass
class SittingState:
    sitting: Sitting
    answers: dict[int, "Answer"]
    current: Question | None
    following: Question | None  # the question after the current one
    shown: Question | None  # an answered question whose feedback is shown
    remaining: int

    @property
    def number(self) -> int:
        """The current question's number, counting from 1."""
        return len(self.answers) + 1

    @property
    def total(self) -> int:
        return len(self.answers) + self.remaining


class Answer(models.Model):
    sitting = models.ForeignKey(Sitting, on_delete=models.CASCADE, related_name="answers")
    # Protected: a learner's history keeps the questions they answered.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice_ids = models.JSONField(default=list, help_text="The choices the learner picked.")
    is_correct = models.BooleanField(default=False)
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answered_at"]
        constraints = [
            # A replayed or double-submitted answer can never be recorded twice.
            models.UniqueConstraint(fields=["sitting", "question"], name="one_answer_per_question")
        ]

    def __str__(self):
        return f"{self.sitting}: {self.question}"
