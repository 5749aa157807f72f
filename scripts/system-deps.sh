#!/usr/bin/env bash
# System packages the browser tests need: Debian's Chromium and Japanese fonts.
# As root, installs what is missing; otherwise stops with the one command to run.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
fonts=$(fc-list 2>/dev/null || true)
grep -qi "Noto Sans CJK" <<<"$fonts" || missing+=(fonts-noto-cjk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing ${missing[*]} ..."
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
else
  echo "必要なパッケージがありません。次を実行してください: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
