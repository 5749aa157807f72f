#!/usr/bin/env python
"""Find the Wagtail admin strings that Wagtail's own Japanese catalogs leave untranslated.

For every installed Wagtail app (``wagtail``, ``wagtail.admin``, …,
``wagtail_modeladmin``) the English source catalog lists every message; the
Japanese catalog next to it misses some, or holds them empty or fuzzy (which
``msgfmt`` leaves out). The project catalog ``locale/ja/LC_MESSAGES/<domain>.po``
fills exactly those gaps. After upgrading Wagtail, run::

    .venv/bin/python scripts/wagtail-ja-gaps.py            # report, exit 1 if any gap is open
    .venv/bin/python scripts/wagtail-ja-gaps.py --update   # add new gaps (empty), drop stale ones

then translate the empty entries and compile::

    msgfmt --check -o locale/ja/LC_MESSAGES/django.mo locale/ja/LC_MESSAGES/django.po
    msgfmt --check -o locale/ja/LC_MESSAGES/djangojs.mo locale/ja/LC_MESSAGES/djangojs.po
"""

import argparse
import ast
import os
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_LOCALE = BASE_DIR / "locale"
DOMAINS = ("django", "djangojs")
# printf-style and str.format placeholders, and HTML tags, which a translation must keep.
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]|\{\w*\}|<[^>]+>")

HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: kodama-jiritsushien\\n"
"PO-Revision-Date: {date}\\n"
"Last-Translator: 児玉郡市自立支援協議会 ウェブサイト\\n"
"Language-Team: Japanese\\n"
"Language: ja\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: str = ""
    msgstr_plural: dict = field(default_factory=dict)
    flags: set = field(default_factory=set)
    comments: list = field(default_factory=list)
    obsolete: bool = False

    @property
    def key(self):
        return (self.msgctxt, self.msgid)

    @property
    def translated(self):
        if self.obsolete or "fuzzy" in self.flags:
            return False
        if self.msgid_plural is not None:
            return bool(self.msgstr_plural) and all(self.msgstr_plural.values())
        return bool(self.msgstr)


def _unquote(text):
    return ast.literal_eval(text) if text.startswith('"') else ""


def parse_po(path):
    """Parse a .po file into a list of ``Entry`` (header entry included, msgid "")."""
    entries = []
    entry = Entry()
    target = None
    started = False

    def finish():
        nonlocal entry, started, target
        if started:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line:
                continue
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        elif line.startswith("#"):
            if started:
                finish()
            entry.comments.append(raw)
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            value = _unquote(line)
        elif keyword == "msgctxt":
            if started:
                finish()
            started, target, value = True, ("msgctxt", None), _unquote(rest)
            entry.msgctxt = ""
        elif keyword == "msgid":
            if started and target and target[0] != "msgctxt":
                finish()
            started, target, value = True, ("msgid", None), _unquote(rest)
        elif keyword == "msgid_plural":
            target, value = ("msgid_plural", None), _unquote(rest)
            entry.msgid_plural = ""
        elif keyword.startswith("msgstr["):
            target, value = ("msgstr_plural", int(keyword[7:-1])), _unquote(rest)
            entry.msgstr_plural.setdefault(target[1], "")
        elif keyword == "msgstr":
            target, value = ("msgstr", None), _unquote(rest)
        else:
            raise ValueError(f"{path}: cannot read line {raw!r}")
        name, index = target
        if name == "msgstr_plural":
            entry.msgstr_plural[index] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    finish()
    return entries


# Strings Wagtail's Japanese catalog translates in a way that shows English or reads badly
# on our screens (found by tests/test_admin_english.py): the project catalog translates them
# again, so they count as gaps however Wagtail's catalog holds them.
RETRANSLATED = {
    (None, "title tag"),  # 「title タグ」, shown as the label 「Title タグ」
    (None, "The page title as you'd like it to be seen by the public"),  # 「一般公開のもとで…」
    (None, "Usage"),  # 「使用法」 (how to use) where the screen lists where a file is used
    (None, "Used %(usage_count)s time"),  # 「使用法 0回使用」
    (None, "Pages using %(page_type)s"),  # 「会議の記録を使用するページ」
}


def left_in_english(entry):
    """A "translation" that is just the English again (e.g. "meta description")."""
    text = PLACEHOLDER.sub("", entry.msgstr or entry.msgstr_plural.get(0, ""))
    return entry.msgstr == entry.msgid and re.search(r"[a-z]{2}", text) is not None


def wagtail_locale_dirs():
    """The locale folders of the installed Wagtail apps, in INSTALLED_APPS order."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django
    from django.apps import apps

    if not apps.ready:
        django.setup()
    return [
        (config.name, Path(config.path) / "locale")
        for config in apps.get_app_configs()
        if config.name == "wagtail" or config.name.startswith(("wagtail.", "wagtail_"))
    ]


def wagtail_gaps(domain="django"):
    """{(msgctxt, msgid): (English entry, [app names])} untranslated in Wagtail's ja catalogs."""
    gaps = {}
    for app, locale_dir in wagtail_locale_dirs():
        source = locale_dir / "en" / "LC_MESSAGES" / f"{domain}.po"
        if not source.exists():
            continue
        japanese = locale_dir / "ja" / "LC_MESSAGES" / f"{domain}.po"
        done = set()
        if japanese.exists():
            done = {
                e.key
                for e in parse_po(japanese)
                if e.translated and e.msgid and not left_in_english(e)
            }
        for entry in parse_po(source):
            if entry.obsolete or not entry.msgid:
                continue
            if entry.key in done and entry.key not in RETRANSLATED:
                continue
            gaps.setdefault(entry.key, (entry, []))[1].append(app)
    return gaps


def project_catalog(domain="django"):
    path = PROJECT_LOCALE / "ja" / "LC_MESSAGES" / f"{domain}.po"
    if not path.exists():
        return path, []
    return path, [e for e in parse_po(path) if e.msgid and not e.obsolete]


def _quote(text):
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if len(parts) <= 1:
        return f'"{parts[0] if parts else ""}"'
    return '""\n' + "\n".join(f'"{part}"' for part in parts)


def format_entry(entry):
    lines = list(entry.comments)
    if entry.flags:
        lines.append("#, " + ", ".join(sorted(entry.flags)))
    if entry.msgctxt is not None:
        lines.append(f"msgctxt {_quote(entry.msgctxt)}")
    lines.append(f"msgid {_quote(entry.msgid)}")
    if entry.msgid_plural is not None:
        lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
        lines.append(f"msgstr[0] {_quote(entry.msgstr_plural.get(0, ''))}")
    else:
        lines.append(f"msgstr {_quote(entry.msgstr)}")
    return "\n".join(lines) + "\n"


def write_catalog(path, entries):
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n".join(format_entry(e) for e in entries)
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    path.write_text(HEADER.format(date=date) + "\n" + body, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--update",
        action="store_true",
        help="add missing gaps to the project catalog (empty) and drop entries Wagtail now translates",
    )
    parser.add_argument("--list", action="store_true", help="print every open gap")
    args = parser.parse_args()

    open_total = 0
    for domain in DOMAINS:
        gaps = wagtail_gaps(domain)
        path, entries = project_catalog(domain)
        ours = {e.key: e for e in entries}
        missing = [key for key in gaps if key not in ours]
        empty = [key for key in gaps if key in ours and not ours[key].translated]
        stale = [key for key in ours if key not in gaps]
        open_total += len(missing) + len(empty)
        print(
            f"{domain}: Wagtail の未翻訳 {len(gaps)} 件、"
            f"プロジェクトで翻訳済み {len(gaps) - len(missing) - len(empty)} 件、"
            f"未登録 {len(missing)} 件、訳が空 {len(empty)} 件、不要になった訳 {len(stale)} 件"
        )
        if args.list:
            for key in missing + empty:
                ctx, msgid = key
                print(f"  [{', '.join(gaps[key][1])}] {'(' + ctx + ') ' if ctx else ''}{msgid!r}")
        if args.update and (missing or stale):
            kept = [e for e in entries if e.key in gaps]
            for key in missing:
                source, apps = gaps[key]
                source.comments = [f"#. {', '.join(apps)}"]
                source.flags = {f for f in source.flags if f != "fuzzy"}
                kept.append(source)
            write_catalog(path, kept)
            print(
                f"  {path.relative_to(BASE_DIR)} を更新しました。空の訳を埋めてから、次でコンパイルしてください:"
            )
            print(
                f"  msgfmt --check -o {path.with_suffix('.mo').relative_to(BASE_DIR)} {path.relative_to(BASE_DIR)}"
            )
    if open_total:
        print(f"未翻訳の文字列が {open_total} 件残っています。")
        return 1
    print("Wagtail の管理画面の文字列はすべて日本語になっています。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
