#!/usr/bin/env bash
# Checks deploy/nginx.conf with `nginx -t`, as CI does (.ci/run). Run as root.
#
# The example is a site file for /etc/nginx/sites-available/ that names the server's own
# paths: the Let's Encrypt certificate, /var/log/nginx, /var/cache/nginx/kodama and
# /srv/kodama. This script writes a copy into a temporary directory with those paths
# pointing into it (a self-signed certificate made for the run), wraps it in a minimal
# nginx.conf that loads Debian's modules (cache purge and Brotli among them) and runs
# `nginx -t` on that. Nothing in /etc/nginx is changed. Installs Debian's nginx and those
# modules when one is missing; any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

modules=(libnginx-mod-http-cache-purge libnginx-mod-http-brotli-filter libnginx-mod-http-brotli-static)
if ! command -v nginx >/dev/null \
  || [ ! -e /usr/share/nginx/modules-available/mod-http-cache-purge.conf ] \
  || [ ! -e /usr/share/nginx/modules-available/mod-http-brotli-filter.conf ] \
  || [ ! -e /usr/share/nginx/modules-available/mod-http-brotli-static.conf ]; then
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx "${modules[@]}" >/dev/null
fi
command -v openssl >/dev/null || {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q openssl >/dev/null
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/log" "$tmp/cache" "$tmp/var/static" "$tmp/var/media" "$tmp/letsencrypt"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=jiritsushien.example.jp" \
  -keyout "$tmp/privkey.pem" -out "$tmp/fullchain.pem" 2>/dev/null

sed -e "s#/etc/letsencrypt/live/jiritsushien.example.jp/#$tmp/#g" \
    -e "s#/var/log/nginx/#$tmp/log/#g" \
    -e "s#/var/cache/nginx/kodama#$tmp/cache#g" \
    -e "s#/srv/kodama/var#$tmp/var#g" \
    -e "s#/var/www/letsencrypt#$tmp/letsencrypt#g" \
    deploy/nginx.conf >"$tmp/kodama.conf"

# Every path of the copy must point into the temporary directory (or be a socket that
# `nginx -t` does not open): a path the substitutions above missed fails here, not later.
if sed 's/#.*//' "$tmp/kodama.conf" | grep -nE '(^|[[:space:]])/(etc|var|srv|run)/'; then
  echo "deploy/nginx.conf names a path that scripts/check-nginx.sh does not replace" >&2
  exit 1
fi

cat >"$tmp/nginx.conf" <<CONF
pid $tmp/nginx.pid;
error_log $tmp/log/error.log;
include /etc/nginx/modules-enabled/*.conf;
events {}
http {
    include /etc/nginx/mime.types;
    access_log $tmp/log/access.log;
    include $tmp/kodama.conf;
}
CONF

nginx -t -q -c "$tmp/nginx.conf"
echo "deploy/nginx.conf: nginx -t ok ($(nginx -v 2>&1))"
