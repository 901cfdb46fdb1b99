from django.core.management import call_command
from django.db import migrations

# The default cache's table without Redis (config/settings.py): allauth's rate-limit counters. Created whatever the cache settings are
# now, so a site that starts without Redis later finds it ready.
TABLE = "rate_limits"


def create_table(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_table, drop_table, elidable=False)]
