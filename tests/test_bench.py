"""The load benchmark (bench/load.py): its pages exist on the demo site and answer 200."""

import importlib.util
import sys
from pathlib import Path

import pytest

from home import demo

pytestmark = pytest.mark.django_db

LOAD = Path(__file__).resolve().parent.parent / "bench" / "load.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("bench_load", LOAD)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_page_of_the_load_benchmark_answers_200_on_the_demo_site(client):
    demo.load()
    urls = load_benchmark().public_urls()
    assert len(urls) == 10
    for label, path in urls:
        response = client.get(path)
        assert response.status_code == 200, (label, path)
    search = dict(urls)["search"]
    assert "件" in client.get(search).content.decode()


def test_percentiles_are_nearest_rank():
    percentile = load_benchmark().percentile
    ordered = list(range(1, 101))
    assert [percentile(ordered, p) for p in (50, 90, 99, 100)] == [50, 90, 99, 100]
    assert percentile([7], 99) == 7


def test_the_handout_search_benchmark_builds_a_site_whose_search_finds_its_handouts(client):
    spec = importlib.util.spec_from_file_location(
        "bench_handouts_search", LOAD.parent / "handouts_search.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build_site(handouts=4, pages=3) == 4
    html = client.get("/search/", {"q": "ひとつだけの議題ラベンダー"}).content.decode()
    assert "資料3 p.2" in html and "#page=2" in html
    assert html.count('class="search-result"') == 1
    html = client.get("/search/", {"q": "モニタリング"}).content.decode()
    assert "資料1 p.1" in html or "資料1 p.2" in html
