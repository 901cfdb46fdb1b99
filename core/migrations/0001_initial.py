from django.db import migrations, models


class Migration(migrations.Migration):
    """ContentVersion moves here from careers: its table is taken over as it is (state only),
    then renamed by 0002, so no row is lost."""

    initial = True

    dependencies = [("careers", "0004_content_version")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ContentVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("number", models.PositiveBigIntegerField(default=0)),
                    ],
                    options={"db_table": "careers_contentversion"},
                ),
            ],
            database_operations=[],
        ),
    ]
