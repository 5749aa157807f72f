"""Demo vacancy figures: 12 months for every sample facility with a tracked service.

Figures are drawn from a seeded generator, so every run gives the same
numbers; a few months are left unanswered, as happens in practice.
Existing figures are never changed.
"""

import random

from home.demo import add_child, rich

from .models import VacancyFigure, VacancyPage, month_start, previous_month

MONTHS = 12


def load(home):
    created = []
    page, made = add_child(
        home,
        VacancyPage(
            title="空き情報",
            slug="aki",
            show_in_menus=True,
            summary="施設入所支援・グループホーム・短期入所の空き状況です(毎月1日時点)。",
            intro=rich(
                "事務局が毎月集めている、施設入所支援・グループホーム(共同生活援助)・短期入所の空き状況です。"
                "相談支援事業所がサービス等利用計画を作るときにお使いください。",
                "表示している事業所と数字はサンプルです。",
            ),
        ),
    )
    if made:
        created.append(page.title)

    if VacancyFigure.objects.exists():
        return created
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
                    for_whom=rng.choice(["any", "any", "male", "female"]),
                    trial_stay=rng.random() < 0.3,
                    reported_on=month,
                )
            )
    VacancyFigure.objects.bulk_create(figures)
    created.append(f"空き情報 {len(figures)}件")
    return created
