"""The vacancy models' move from ``facilities`` to ``vacancies`` keeps every row.

The database is taken back to the schema before the move, filled there with
figures written through the historical models, and migrated forward again.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Page, Site

from editorial import roles
from facilities.models import ServiceType
from tests.factories import (
    FacilityIndexPageFactory,
    FacilityPageFactory,
    VacancyPageFactory,
    make_site_home,
)
from tests.live import live_db
from vacancies.models import VacancyFigure, VacancyPage, VacancySettings

pytestmark = live_db

BEFORE_THE_MOVE = [("facilities", "0005_help_texts"), ("vacancies", None)]
GH = "共同生活援助(介護サービス包括型)"
SHORT_STAY = "短期入所"
FIELDS = [
    "pk",
    "facility_id",
    "service_type_id",
    "month",
    "vacancies",
    "for_whom",
    "trial_stay",
    "note",
    "reported_on",
    "entered_by_id",
    "updated_at",
]


def migrate(targets=None, *, change=None):
    """Migrate to ``targets`` (default: the newest); ``change`` may alter the loaded plan."""
    executor = MigrationExecutor(connection)
    if change:
        change(executor.loader)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor


def old_apps():
    return MigrationExecutor(connection).loader.project_state(BEFORE_THE_MOVE[:1]).apps


@pytest.fixture
def site(django_user_model):
    home = make_site_home()
    index = FacilityIndexPageFactory(parent=home)
    homes = [
        FacilityPageFactory(parent=index, title=f"サンプルホーム{n}", services=[(GH, 5, [])])
        for n in range(3)
    ]
    editor = django_user_model.objects.create_user("shisetsu", password="x" * 12)
    settings = VacancySettings.for_site(Site.objects.get(is_default_site=True))
    settings.save()
    tracked = list(ServiceType.objects.filter(name__in=[GH, SHORT_STAY]))
    settings.tracked_service_types.set(tracked)
    return {
        "home": home,
        "homes": homes,
        "editor": editor,
        "vacancy_page": VacancyPageFactory(parent=home),
        "tracked": {s.pk for s in tracked},
    }


def fill_at_the_old_schema(site):
    """Figures written as the old code wrote them, into the old tables."""
    apps = old_apps()
    Figure = apps.get_model("facilities", "VacancyFigure")
    ServiceType = apps.get_model("facilities", "ServiceType")
    gh = ServiceType.objects.get(name=GH)
    month = dt.date(2025, 12, 1)
    for n in range(24):
        home = site["homes"][n % 3]
        Figure.objects.create(
            facility_id=home.pk,
            service_type_id=gh.pk,
            month=month,
            vacancies=None if n % 7 == 0 else n % 4,
            for_whom=("any", "male", "female")[n % 3],
            trial_stay=n % 2 == 0,
            note=f"備考{n}" if n % 5 == 0 else "",
            reported_on=month + dt.timedelta(days=n % 3),
            entered_by_id=site["editor"].pk if n % 2 else None,
        )
        if n % 3 == 2:
            month = (month - dt.timedelta(days=1)).replace(day=1)
    return list(Figure.objects.order_by("pk").values(*FIELDS))


def test_moving_the_models_keeps_every_figure_page_setting_and_permission(client, site):
    try:
        migrate(BEFORE_THE_MOVE)
        old = Page.objects.get(pk=site["vacancy_page"].pk).content_type
        assert (old.app_label, old.model) == ("facilities", "vacancypage")
        before = fill_at_the_old_schema(site)
        assert len(before) == 24
    finally:
        migrate()

    after = list(VacancyFigure.objects.order_by("pk").values(*FIELDS))
    assert after == before

    page = Page.objects.get(pk=site["vacancy_page"].pk)
    assert type(page.specific) is VacancyPage
    assert page.specific.live
    settings = VacancySettings.for_site(Site.objects.get(is_default_site=True))
    assert {s.pk for s in settings.tracked_service_types.all()} == site["tracked"]
    assert not ContentType.objects.filter(app_label="facilities", model__startswith="vacancy")

    facility_editors = Group.objects.get(name=roles.FACILITY_EDITOR)
    assert facility_editors.permissions.filter(
        content_type__app_label="vacancies", codename="change_vacancyfigure"
    ).exists()
    assert facility_editors.page_permissions.filter(page=page).exists()

    # The moved figures show where they did before.
    newest = VacancyFigure.objects.filter(facility=site["homes"][1]).order_by("-month").first()
    html = client.get(site["homes"][1].url).content.decode()
    assert newest.status_label in html


def test_a_failure_half_way_leaves_the_database_as_it_was(site):
    def fail(apps, schema_editor):
        raise RuntimeError("途中で失敗")

    def break_the_rename(loader):
        # Fails after the tables of the second migration have been renamed.
        migration = loader.get_migration("vacancies", "0002_tables_of_their_own")
        migration.operations = [*migration.operations, migrations.RunPython(fail)]

    try:
        migrate(BEFORE_THE_MOVE)
        before = fill_at_the_old_schema(site)
        with pytest.raises(RuntimeError, match="途中で失敗"):
            migrate(change=break_the_rename)

        tables = set(connection.introspection.table_names())
        assert "facilities_vacancyfigure" in tables
        assert "vacancies_vacancyfigure" not in tables
        applied = MigrationExecutor(connection).loader.applied_migrations
        assert ("vacancies", "0001_initial") in applied
        assert ("vacancies", "0002_tables_of_their_own") not in applied
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM facilities_vacancyfigure")
            assert cursor.fetchone()[0] == len(before)
    finally:
        migrate()
    assert list(VacancyFigure.objects.order_by("pk").values(*FIELDS)) == before
    assert Permission.objects.filter(
        content_type__app_label="vacancies", codename="change_vacancyfigure"
    ).exists()
