#!/bin/sh
# Starts nginx with this folder's nginx.conf on a spare port (as an unprivileged user when run
# as root), checks the site and the health path, and stops it. Needs nginx and curl.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
port=${TEST_PORT:-18087}
work=$(mktemp -d)
trap 'kill "$(cat "$work/tmp/nginx.pid" 2>/dev/null)" 2>/dev/null || true; rm -rf "$work"' EXIT

# The image logs to /dev/stdout (runc hands the container's stdio to its user); a test run
# may not own its stdout, so the access log goes to a file here. /tmp becomes the run's own.
sed -e "s/listen 8080;/listen $port;/" -e "s/listen \[::\]:8080;/listen [::]:$port;/" \
    -e "s| /tmp/| $work/tmp/|" -e "s|access_log /dev/stdout;|access_log $work/access.log;|" \
    "$here/nginx.conf" > "$work/nginx.conf"
cp -r "$here/www" "$work/www"
mkdir "$work/tmp"
touch "$work/access.log"
chmod -R a+rX "$work"
chmod a+w "$work/access.log" "$work/tmp"
run=""
if [ "$(id -u)" = 0 ]; then run="setpriv --reuid=65534 --regid=65534 --clear-groups"; fi

$run nginx -t -q -p "$work/" -c "$work/nginx.conf" -e stderr
$run nginx -p "$work/" -c "$work/nginx.conf" -e stderr
sleep 0.5

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(curl -fsS "http://127.0.0.1:$port/healthz")" = ok ] || fail "/healthz is not ok"
curl -fsS "http://127.0.0.1:$port/" | grep -q '<h1>nginx-static</h1>' || fail "/ is not the site"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/missing")" = 404 ] || fail "/missing is not 404"
curl -sI "http://127.0.0.1:$port/style.css" | grep -qi '^content-type: text/css' || fail "style.css is not text/css"
curl -sI "http://127.0.0.1:$port/" | tr -d '\r' | grep -qi '^server: nginx$' || fail "the server header shows the version"
grep -q '"GET / HTTP/1.1" 200' "$work/access.log" || fail "no access log line for /"
owner=$(ps -o user= -p "$(cat "$work/tmp/nginx.pid")")
[ "$owner" != root ] || fail "nginx runs as root"
echo "ok: nginx-static serves / and /healthz as $owner on port $port"
