"""Demo accounts, one per role, made by `make run` (prepare_site) on the demo only."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from editorial import roles
from editorial.management.commands.create_demo_accounts import DEMO_ACCOUNTS, PASSWORD_FILE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def demo(settings, tmp_path, home_page):
    settings.DEMO_ACCOUNTS = True
    settings.VAR_DIR = tmp_path
    return tmp_path


def run(command):
    out = StringIO()
    call_command(command, stdout=out)
    return out.getvalue()


def test_prepare_site_on_the_demo_makes_one_account_per_role_and_prints_passwords_once(demo):
    User.objects.create_superuser("admin", "admin@example.jp", "x")
    first = run("prepare_site")
    saved = (demo / PASSWORD_FILE).read_text(encoding="utf-8").splitlines()
    # 事業所担当 accounts come only from an invitation, tied to real facilities: no demo one.
    demo_roles = {role.name for role in roles.ROLES if not role.by_invitation}
    assert demo_roles == {role.name for role in roles.ROLES} - {roles.OFFICE_STAFF}
    assert len(saved) == len(demo_roles) == len(DEMO_ACCOUNTS)
    for line in saved:
        username, role, password = line.split("\t")
        user = User.objects.get(username=username)
        assert user.check_password(password)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser and not user.is_staff
        assert f"ユーザー名 {username}  パスワード {password}" in first
    assert {role for _, role, _ in DEMO_ACCOUNTS} == demo_roles
    assert oct((demo / PASSWORD_FILE).stat().st_mode & 0o777) == "0o600"
    assert "認証アプリの登録を求めます" in first
    passwords = {line.split("\t")[2] for line in saved}
    assert len(passwords) == len(saved), "パスワードはアカウントごとに別のもの"

    second = run("prepare_site")
    for password in passwords:
        assert password not in second
    assert "最初のパスワードは" in second
    assert (demo / PASSWORD_FILE).read_text(encoding="utf-8").splitlines() == saved
    assert User.objects.filter(username__in=[u for u, _, _ in DEMO_ACCOUNTS]).count() == 4


def test_the_demo_accounts_reach_what_their_role_allows(demo, client):
    run("setup_roles")
    run("create_demo_accounts")
    for username, role, _ in DEMO_ACCOUNTS:
        client.force_login(User.objects.get(username=username))
        response = client.get("/admin/")
        if role == roles.CONSULTATION_OFFICE:
            assert response.status_code == 302, "相談支援事業所は管理画面に入れません"
        else:
            assert response.status_code == 200, role
        client.logout()


def test_no_demo_accounts_without_the_demo_setting(settings, tmp_path, home_page):
    settings.DEMO_ACCOUNTS = False
    settings.VAR_DIR = tmp_path
    User.objects.create_superuser("admin", "admin@example.jp", "x")
    out = run("prepare_site")
    assert "デモのアカウント" not in out
    assert not User.objects.filter(username__in=[u for u, _, _ in DEMO_ACCOUNTS]).exists()
    assert not (tmp_path / PASSWORD_FILE).exists()
    with pytest.raises(CommandError, match="デモのサイト"):
        run("create_demo_accounts")


def test_production_settings_never_make_demo_accounts(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY="k7Qz-3vN_pX9rT2mW8yB4cL6hJ1sD5fG0aE-uI7oP3qR9tY2wZ8xV4nM6bK1jH5g",
        ALLOWED_HOSTS="jiritsushien.example.jp",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        WAGTAILADMIN_BASE_URL="https://jiritsushien.example.jp",
        VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "create_demo_accounts"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "デモのアカウントはデモのサイト" in result.stderr
    assert not (tmp_path / PASSWORD_FILE).exists()


def test_the_password_file_is_not_in_the_repository():
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", f"var/{PASSWORD_FILE}"], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, "var/ のパスワードのファイルはリポジトリに入れません"
