"""The browser part of the yearly test: axe-core in headless Chromium through Playwright.

Kept apart from the command so that the page choice and the checklist need
neither. Playwright and axe-playwright-python are imported only here, when a
test runs; the axe-core script is the one axe-playwright-python ships.
"""

import os
import shutil
import threading
from collections import defaultdict

# WCAG 2.0 A and AA only: JIS X 8341-3:2016 is WCAG 2.0.
AXE_TAGS = ["wcag2a", "wcag2aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MEDIA_SELECTOR = "video, audio, iframe, object, embed"


class RunnerError(Exception):
    """What went wrong, in Japanese, for the command to print."""


def find_chromium(path=None):
    candidates = [path] if path else ["chromium", "chromium-browser", "google-chrome"]
    for candidate in candidates:
        found = shutil.which(candidate) or (candidate if os.path.isfile(candidate) else None)
        if found and os.access(found, os.X_OK):
            return found
    raise RunnerError(
        "Chromium が見つかりません"
        + (f"({path})" if path else "")
        + "。`apt-get install -y chromium` で入れるか、--chromium で実行ファイルの場所を指定してください。"
    )


def run_axe(base_url, paths, chromium):
    """Open each page and run axe; returns ``(pages, axe_rules, media_found, axe_version)``.

    Runs in its own thread, so that Playwright's event loop never meets a caller's.
    """
    box = {}

    def work():
        try:
            box["result"] = _run(base_url, paths, chromium)
        except RunnerError as error:
            box["error"] = error
        except Exception as error:  # noqa: BLE001 - reported to the command in Japanese
            box["error"] = RunnerError(f"ブラウザーでの試験に失敗しました: {error}")

    thread = threading.Thread(target=work, name="accessibility-test")
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box["result"]


def _run(base_url, paths, chromium):
    try:
        from axe_playwright_python.sync_playwright import Axe
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise RunnerError(
            "Playwright と axe-playwright-python が入っていません(開発用の依存): "
            "`uv sync` で入れてから実行してください。"
        ) from error
    axe = Axe()
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    axe_rules = defaultdict(lambda: {"passed": defaultdict(int), "violated": defaultdict(int)})
    pages, media_found, version = [], False, ""
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        except PlaywrightError as error:
            raise RunnerError(f"Chromium を起動できません({chromium}): {error}") from error
        try:
            tab = browser.new_page(locale="ja-JP", viewport={"width": 1280, "height": 900})
            for path in paths:
                url = base_url.rstrip("/") + path
                try:
                    response = tab.goto(url, wait_until="load")
                except PlaywrightError as error:
                    raise RunnerError(f"{url} を開けません: {error}") from error
                if response is None or response.status != 200:
                    status = response.status if response else "応答なし"
                    raise RunnerError(f"{url} を開けません(状態 {status})。")
                media_found = media_found or tab.locator(MEDIA_SELECTOR).count() > 0
                results = axe.run(tab, options=options).response
                version = results.get("testEngine", {}).get("version", version)
                rules = {}
                for kind, key in (("passes", "passed"), ("violations", "violated")):
                    for rule in results.get(kind, []):
                        nodes = len(rule.get("nodes", [])) or 1
                        for tag in rule.get("tags", []):
                            if tag.startswith("wcag") and tag[4:].isdigit():
                                axe_rules[tag][key][rule["id"]] += nodes
                        if key == "violated":
                            rules[rule["id"]] = nodes
                pages.append({"url": url, "violations": sum(rules.values()), "rules": rules})
        finally:
            browser.close()
    plain = {tag: {k: dict(v) for k, v in kinds.items()} for tag, kinds in axe_rules.items()}
    return pages, plain, media_found, version
