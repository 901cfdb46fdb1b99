from django.db import migrations


class Migration(migrations.Migration):
    """ContentVersion now belongs to core (core/migrations/0001_initial), which keeps its
    table: forget the model here without touching the database."""

    dependencies = [("careers", "0004_content_version"), ("core", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ContentVersion")],
            database_operations=[],
        ),
    ]
