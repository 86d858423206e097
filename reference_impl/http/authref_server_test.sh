#!/bin/sh
# authref-server as a user runs it: start on an ephemeral port, read the URL
# from the first line of stdout, curl /api/auth/ok and the bridge, send
# SIGTERM, expect exit status 0. Also: --help exits 0, a bad option exits 2.
# Usage: authref_server_test.sh <authref-server> <curl>
set -u
server=$1
curl=$2
dir=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null; fi
  rm -rf "$dir"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; [ -f "$dir/err" ] && sed 's/^/  stderr: /' "$dir/err"; exit 1; }

"$server" --help > "$dir/help" 2>&1 || fail "--help exited $?"
grep -q -- '--conformance-key' "$dir/help" || fail "--help does not list --conformance-key"

"$server" --cors bogus > /dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "--cors bogus exited $status, not 2"
"$server" --port 0 --site-url nonsense > /dev/null 2>&1
status=$?
[ "$status" -eq 2 ] || fail "--site-url nonsense exited $status, not 2"

CONFORMANCE_KEY=script-key "$server" --port 0 --allow-reset > "$dir/out" 2> "$dir/err" &
pid=$!

# The first line names the URL; wait for it (at most 10 s).
url=
i=0
while [ $i -lt 100 ]; do
  line=$(head -n 1 "$dir/out" 2>/dev/null)
  case "$line" in
    "authref-server listening on http://127.0.0.1:"*) url=${line#authref-server listening on }; break ;;
  esac
  kill -0 "$pid" 2>/dev/null || fail "the server exited before listening"
  sleep 0.1
  i=$((i + 1))
done
[ -n "$url" ] || fail "no 'listening on' line: $(cat "$dir/out")"

body=$("$curl" -s -m 10 "$url/api/auth/ok") || fail "curl /api/auth/ok failed"
[ "$body" = '{"ok":true}' ] || fail "/api/auth/ok answered $body"

caps=$("$curl" -s -m 10 -H 'X-Conformance-Key: script-key' "$url/conformance/v1/capabilities") ||
  fail "curl /capabilities failed"
case "$caps" in
  *'"reset":true'*) ;;
  *) fail "capabilities without reset: $caps" ;;
esac
code=$("$curl" -s -m 10 -o /dev/null -w '%{http_code}' "$url/conformance/v1/capabilities")
[ "$code" = 401 ] || fail "the bridge without a key answered $code"

grep -q '^GET /api/auth/ok 200 ' "$dir/err" || fail "no request log line for /api/auth/ok"

kill -TERM "$pid"
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 "$pid" 2>/dev/null && fail "still running 10 s after SIGTERM"
wait "$pid"
status=$?
pid=
[ "$status" -eq 0 ] || fail "exit status $status after SIGTERM"
echo "ok: $url answered, SIGTERM exited 0"
