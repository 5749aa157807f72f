"""Demo vacancy figures: 12 months for every sample facility with a tracked service.

Figures are drawn from a seeded generator, so every run gives the same
numbers; a few months are left unanswered, as happens in practice.
Existing figures are never changed.
"""

import random

from .models import ForWhom, VacancyFigure, month_start, previous_month

MONTHS = 12


def add_figures():
    """The demo step declared with ``demo/vacancies.yaml``. Returns labels of what was created."""
    if VacancyFigure.objects.exists():
        return []
    rng = random.Random(2026)
    months = [month_start()]
    for _ in range(MONTHS - 1):
        months.append(previous_month(months[-1]))
    figures = []
    for facility, service in VacancyFigure.objects.tracked_rows():
        capacity = 4
        for month in months:
            unanswered = rng.random() < 0.08
            figures.append(
                VacancyFigure(
                    facility=facility,
                    service_type=service,
                    month=month,
                    vacancies=None if unanswered else rng.choice([0, 0, 0, 1, 1, 2, capacity // 2]),
                    for_whom=rng.choice([ForWhom.ANY, ForWhom.ANY, ForWhom.MALE, ForWhom.FEMALE]),
                    trial_stay=rng.random() < 0.3,
                    reported_on=month,
                )
            )
    VacancyFigure.objects.bulk_create(figures)
    return [f"空き情報 {len(figures)}件"]
