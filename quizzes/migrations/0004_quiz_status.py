"""Quizzes are published the way roles and roadmaps are: a status (draft or published) and a
last-reviewed date instead of `is_published`. Every quiz keeps its state."""

from django.db import migrations, models


def status_from_is_published(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    Quiz.objects.filter(is_published=False).update(status="draft")


def is_published_from_status(apps, schema_editor):
    Quiz = apps.get_model("quizzes", "Quiz")
    Quiz.objects.filter(status="draft").update(is_published=False)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_validate_answer_path"),
    ]

    operations = [
        migrations.AddField(
            model_name="quiz",
            name="status",
            field=models.CharField(
                choices=[("draft", "Draft (editors only)"), ("published", "Published")],
                default="published",
                help_text="Drafts are hidden from learners; editors preview them on the site.",
                max_length=10,
            ),
        ),
        migrations.AddField(
            model_name="quiz",
            name="last_reviewed",
            field=models.DateField(
                blank=True, help_text="When an editor last checked it against the field.", null=True
            ),
        ),
        migrations.RunPython(status_from_is_published, is_published_from_status),
        migrations.RemoveField(
            model_name="quiz",
            name="is_published",
        ),
    ]
