#!/usr/bin/env bash
# Load figures for authref-server (issue 4): get-session and GET /convex/token
# requests per second with wrk at 16 and 64 keep-alive connections, and
# sign-in latency against one bare scrypt hash. Loopback only; every run is
# bounded (wrk -d, a fixed number of sign-ins). Figures go to bench/README.md.
set -euo pipefail

usage() {
  cat <<'TXT'
usage: bench/server_load.sh [--build-dir DIR] [--duration SECONDS] [--threads N] [--help]

Builds authref-server and bench_wire_primitives (Release) in DIR (default
build/bench), starts the server on 127.0.0.1 with an ephemeral port, signs up
one user, then runs:
  wrk -t<threads> -c16 and -c64 against GET /api/auth/get-session (valid cookie)
  wrk -t<threads> -c16 and -c64 against GET /api/auth/convex/token
  wrk -c16 against get-session while 4 clients sign up in a loop
  20 sequential sign-ins (curl time_total), median and p90
  BM_HashPassword and BM_VerifyPassword from bench_wire_primitives
and prints a Markdown table. Needs wrk and curl (scripts/setup installs wrk).
  --duration SECONDS  length of each wrk run (default 10)
  --threads N         wrk threads (default 1: the machine has 2 cores and the
                      server needs them)
TXT
}

build_dir=build/bench
duration=10
wrk_threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --threads) wrk_threads="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench/server_load.sh: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "bench/server_load.sh: wrk not found (run scripts/setup)" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench/server_load.sh: curl not found" >&2; exit 1; }

cd "$(dirname "$0")/.."
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target authref-server bench_wire_primitives >/dev/null

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$build_dir/reference_impl/authref-server" --port 0 --quiet >"$work/server.out" 2>"$work/server.err" &
server_pid=$!
for _ in $(seq 1 100); do
  url=$(sed -n 's/^authref-server listening on //p' "$work/server.out" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "${url:-}" ] || { echo "server did not start:" >&2; cat "$work/server.err" >&2; exit 1; }

curl -sS -o /dev/null -D "$work/signup.headers" -H 'content-type: application/json' \
  --data '{"email":"bench@example.com","password":"correct horse battery","name":"Bench"}' \
  "$url/api/auth/sign-up/email"
cookie=$(grep -i '^set-cookie: better-auth.session_token=' "$work/signup.headers" | head -1 |
  sed -e 's/^[Ss]et-[Cc]ookie: //' -e 's/;.*//' | tr -d '\r')
[ -n "$cookie" ] || { echo "sign-up gave no session cookie" >&2; exit 1; }

rps() {  # rps <connections> <path>
  wrk -t"$wrk_threads" -c"$1" -d"${duration}s" --latency -H "Cookie: $cookie" "$url$2" >"$work/wrk.out"
  if grep -q 'Non-2xx' "$work/wrk.out"; then echo "non-2xx answers:" >&2; cat "$work/wrk.out" >&2; exit 1; fi
  local r p99
  r=$(awk '/^Requests\/sec/ {print $2}' "$work/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$work/wrk.out")
  printf '%s req/s (p99 %s)' "$r" "$p99"
}

echo "| measurement | result |"
echo "| --- | --- |"
for c in 16 64; do echo "| get-session, $c connections | $(rps $c /api/auth/get-session) |"; done
for c in 16 64; do echo "| GET /convex/token, $c connections | $(rps $c /api/auth/convex/token) |"; done

# get-session while four clients sign up without pause: scrypt runs on the
# hashing pool, so the session path should keep most of its throughput.
signups() {  # signups <client> : sign up distinct users until killed
  local n=0
  while :; do
    n=$((n + 1))
    curl -sS -o /dev/null -H 'content-type: application/json' \
      --data "{\"email\":\"load-$1-$n@example.com\",\"password\":\"correct horse battery\",\"name\":\"L\"}" \
      "$url/api/auth/sign-up/email" || true
  done
}
load_pids=()
for client in 1 2 3 4; do signups "$client" & load_pids+=($!); done
sleep 1
echo "| get-session, 16 connections, during 4 concurrent sign-up loops | $(rps 16 /api/auth/get-session) |"
kill "${load_pids[@]}" 2>/dev/null || true
wait "${load_pids[@]}" 2>/dev/null || true

times=()
for _ in $(seq 1 20); do
  t=$(curl -sS -o /dev/null -w '%{time_total}' -H 'content-type: application/json' \
    --data '{"email":"bench@example.com","password":"correct horse battery"}' "$url/api/auth/sign-in/email")
  times+=("$t")
done
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n '10p;11p' | awk '{s+=$1} END {printf "%.1f", s/2*1000}')
p90=$(echo "$sorted" | sed -n '18p' | awk '{printf "%.1f", $1*1000}')
echo "| sign-in (20 sequential), median / p90 | $median ms / $p90 ms |"

"$build_dir/bench/bench_wire_primitives" --benchmark_filter='BM_(Hash|Verify)Password' \
  --benchmark_repetitions=3 --benchmark_report_aggregates_only=true 2>/dev/null |
  awk '/_median/ {printf "| %s | %s %s |\n", $1, $2, $3}'
