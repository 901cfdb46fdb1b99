from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial"), ("careers", "0005_content_version_moves_to_core")]

    operations = [migrations.AlterModelTable(name="contentversion", table=None)]
