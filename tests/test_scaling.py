"""Two app servers sharing one Redis (docs/scaling.md): a publish seen by one invalidates the
page the other has stored.

Runs the site under the production settings with gunicorn twice, on two ports, against one
SQLite database and one Redis server that the test starts (Debian's ``redis-server``, on a
free port, keeping nothing on disk). The publish is made by a third Django process sharing
the database and Redis, as an editor's request on another server or the worker would be.
"""

import http.client
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = "/about/"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_load_scaling", ROOT / "bench" / "load.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        return response.status, response.getheader("X-Page-Cache"), response.read().decode()
    finally:
        connection.close()


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    assert server, (
        "redis-server がありません。`apt-get install redis-server` で入れてください"
        "(この試験は2台のアプリサーバーが1つの Redis を共有することを確かめます)。"
    )
    bench = load_bench()
    port = bench.free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with __import__("socket").create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_a_publish_on_one_server_invalidates_the_stored_page_on_the_other(tmp_path, redis_url):
    bench = load_bench()
    port_a, port_b = bench.free_port(), bench.free_port()
    env = bench.site_environment(tmp_path, port_a, workers=1)
    env.update({"REDIS_URL": redis_url, "PAGE_CACHE_ENABLED": "true"})
    env.pop("PYTEST_XDIST_WORKER", None)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput", "-v0")

    servers = []
    try:
        for port in (port_a, port_b):
            server_env = dict(env, GUNICORN_BIND=f"127.0.0.1:{port}")
            servers.append(bench.start_gunicorn(server_env, tmp_path))
            bench.wait_until_serving(servers[-1], port, timeout=120)

        status, state, html = get(port_a, PAGE)
        assert status == 200 and "協議会について" in html
        assert get(port_a, PAGE)[1] == "hit"
        # The other server finds the page the first one stored: one cache for both.
        status, state, html = get(port_b, PAGE)
        assert (status, state) == (200, "hit")

        manage(
            env,
            "shell",
            "-c",
            "from council.models import CouncilIndexPage;"
            "p = CouncilIndexPage.objects.get();"
            "p.title = '協議会のしくみ(更新しました)';"
            "p.save_revision().publish()",
        )

        for port in (port_a, port_b):
            status, state, html = get(port, PAGE)
            assert status == 200
            assert "協議会のしくみ(更新しました)" in html, port
        # Stored again once, for both.
        assert get(port_a, PAGE)[1] == "hit" and get(port_b, PAGE)[1] == "hit"
    finally:
        for server in servers:
            bench.stop(server)


def test_a_redis_that_is_down_makes_pages_render_uncached(tmp_path):
    bench = load_bench()
    port = bench.free_port()
    env = bench.site_environment(tmp_path, port, workers=1)
    env.update(
        {"REDIS_URL": f"redis://127.0.0.1:{bench.free_port()}/0", "PAGE_CACHE_ENABLED": "true"}
    )
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo_content")
    manage(env, "collectstatic", "--noinput", "-v0")
    server = bench.start_gunicorn(env, tmp_path)
    try:
        bench.wait_until_serving(server, port, timeout=120)
        for _ in range(2):
            status, state, html = get(port, PAGE)
            assert status == 200 and "協議会について" in html
            assert state != "hit"
    finally:
        bench.stop(server)
    assert os.path.exists(tmp_path / "db.sqlite3")
