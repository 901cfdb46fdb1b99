"""Diagrams' words and sample numbers become content editors change in the admin, and each role
says which diagram its page shows."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('careers', '0005_content_version_moves_to_core'),
    ]

    operations = [
        migrations.CreateModel(
            name='Diagram',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(unique=True)),
                ('kind', models.CharField(choices=[('data_systems', 'OLTP vs OLAP, with the ETL steps between them'), ('dashboard', 'A sample dashboard'), ('workflow', 'A workflow, stage by stage'), ('architecture', "A system's architecture")], help_text='How it is drawn. OLTP vs OLAP also shows the data systems.', max_length=16)),
                ('title', models.CharField(help_text='The heading above it on the role page.', max_length=120)),
                ('steps', models.TextField(blank=True, help_text="One step per line, its parts separated by “|”: ETL: name | what it does. Workflow: name (short name) | what it does | tools | what it produces. Architecture: name | what it does | tools; a line with no “|” starts a row and names it. Tools are separated by commas, as slugs or names; a heading of the role's tool list brings every tool under it. Only the tools the role lists are shown.")),
                ('loop_from', models.CharField(blank=True, help_text='Architecture: the step its feedback loop starts at.', max_length=80)),
                ('loop_to', models.CharField(blank=True, help_text='Workflow and architecture: the step the feedback loop goes back to.', max_length=80)),
                ('tools', models.CharField(blank=True, help_text='Dashboard: what it is built with, as slugs or names separated by commas; the caption names those the role lists.', max_length=200)),
                ('kpis', models.TextField(blank=True, help_text='Dashboard: one key figure per line: label | value | change. A change that starts with − or - is shown as a fall.')),
                ('filters', models.TextField(blank=True, help_text='Dashboard: one per line: name | value.')),
                ('trend', models.TextField(blank=True, help_text='Dashboard: revenue by month, one per line: month | thousands of dollars.')),
                ('categories', models.TextField(blank=True, help_text='Dashboard: revenue by category, one per line: category | thousands of dollars.')),
                ('channels', models.TextField(blank=True, help_text='Dashboard: visitors by channel, one per line: channel | percent; they add up to 100.')),
            ],
            options={
                'ordering': ['slug'],
            },
        ),
        migrations.AddField(
            model_name='role',
            name='diagram',
            field=models.ForeignKey(blank=True, help_text="The illustration the role's page shows, if any.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='roles', to='careers.diagram'),
        ),
    ]
