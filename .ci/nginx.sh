#!/usr/bin/env bash
# Find or install nginx for the cluster test and print the binary's path on stdout.
# Installs Debian's nginx-light package (by name) only when no nginx is found. The tests run
# nginx themselves, unprivileged, with their own prefix, pid and log files in a temp
# directory; they never use the system service. (Debian's package starts that service on
# hosts with an init system; `systemctl disable --now nginx` if it is not wanted.)
set -euo pipefail

find_nginx() {
  if [ -n "${LINJU_NGINX:-}" ] && [ -x "$LINJU_NGINX" ]; then echo "$LINJU_NGINX"; return 0; fi
  command -v nginx 2>/dev/null && return 0
  [ -x /usr/sbin/nginx ] && { echo /usr/sbin/nginx; return 0; }
  return 1
}

if bin="$(find_nginx)"; then echo "$bin"; exit 0; fi

echo "installing nginx (Debian package nginx-light)…" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && { apt-get install -y -qq nginx-light >&2 || apt-get install -y -qq nginx >&2; }
bin="$(find_nginx)" || { echo "nginx is not on PATH after installing nginx-light" >&2; exit 1; }
"$bin" -v >&2
echo "$bin"
