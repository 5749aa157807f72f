"""The vacancy models now belong to ``vacancies`` (see ``vacancies/migrations/0001_initial.py``);
their tables and rows are untouched here."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0005_help_texts"),
        ("vacancies", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="VacancyFigure"),
                migrations.DeleteModel(name="VacancySettings"),
                migrations.DeleteModel(name="VacancyPage"),
            ],
            database_operations=[],
        ),
    ]
