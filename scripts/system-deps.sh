#!/usr/bin/env bash
# System packages the site needs from Debian.
#   scripts/system-deps.sh pdf   the printed ふくしマップ (booklet/): WeasyPrint's pango and
#                                HarfBuzz libraries and the Japanese fonts it embeds
#   scripts/system-deps.sh       the above, and Debian's Chromium for the browser tests
# As root, installs what is missing; otherwise stops with the one command to run.
set -euo pipefail

missing=()
libs=$(ldconfig -p 2>/dev/null || true)
grep -q "libpango-1.0.so.0" <<<"$libs" || missing+=(libpango-1.0-0)
grep -q "libpangoft2-1.0.so.0" <<<"$libs" || missing+=(libpangoft2-1.0-0)
grep -q "libharfbuzz-subset.so.0" <<<"$libs" || missing+=(libharfbuzz-subset0)
fonts=$(fc-list 2>/dev/null || true)
grep -qi "Noto Sans CJK JP" <<<"$fonts" || missing+=(fonts-noto-cjk)
if [ "${1:-all}" != "pdf" ]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing ${missing[*]} ..."
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
else
  echo "必要なパッケージがありません。次を実行してください: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
