#!/usr/bin/env bash
# Runs the probe suite (suite_probe.cpp) the ways a user would and checks the
# exit status and XML of each run: the rules of DESIGN.md "Outcomes".
# usage: suite_glue_test.sh <probe binary> <scratch dir>
set -uo pipefail
probe="$1"
scratch="$2"
mkdir -p "$scratch"
failures=0

# run <name> <expected exit> <filter> [VAR=value ...]: runs the probe, keeps
# its XML at $scratch/<name>.xml and its output at $scratch/<name>.log.
run() {
  local name="$1" expected="$2" filter="$3"
  shift 3
  env -u AUTH_TARGET_URL -u AUTH_TARGET_KEY -u AUTH_TARGET_ORIGIN -u AUTH_TARGET_EXPECTATIONS \
    "$@" "$probe" --gtest_filter="$filter" --gtest_output="xml:$scratch/$name.xml" \
    > "$scratch/$name.log" 2>&1
  local status=$?
  if [ "$status" != "$expected" ]; then
    echo "FAIL $name: exit $status, expected $expected"; tail -20 "$scratch/$name.log"
    failures=$((failures + 1))
  else
    echo "ok   $name (exit $status)"
  fi
}
# expect <name> <file> <grep -E pattern> [absent]
expect() {
  local name="$1" file="$2" pattern="$3" mode="${4:-present}"
  if grep -Eq -- "$pattern" "$file"; then found=yes; else found=no; fi
  if { [ "$mode" = present ] && [ $found = no ]; } || { [ "$mode" = absent ] && [ $found = yes ]; }; then
    echo "FAIL $name: '$pattern' $mode expected in $file"; failures=$((failures + 1))
  fi
}
expectations() {
  printf '{"target": "probe", "expectedFailures": [{"case": "%s", "reason": "probe reason", "link": "https://example.com/1"}]}' "$1" > "$scratch/$1.json"
  echo "$scratch/$1.json"
}

run passes 0 'Probe.Passes'
expect passes "$scratch/passes.xml" 'name="case" value="probe.passes"'
expect passes "$scratch/passes.xml" 'name="spec" value="spec/bridge-v1.md"'
expect passes "$scratch/passes.log" 'authconf target: http://127.0.0.1:[0-9]+ \(embedded reference\)'

run fails 1 'Probe.Fails'
expect fails-transcript "$scratch/fails.xml" 'name="exchanges"'
expect fails-curl "$scratch/fails.xml" 'curl -sS -i -X GET'
expect fails-redacted "$scratch/fails.xml" 's3cr3t' absent
expect fails-redacted-log "$scratch/fails.log" 's3cr3t' absent

run expected-failure 0 'Probe.Fails' AUTH_TARGET_EXPECTATIONS="$(expectations probe.fails)"
expect expected-failure "$scratch/expected-failure.xml" 'name="outcome" value="expected-failure"'
expect expected-failure "$scratch/expected-failure.xml" 'name="expected-link" value="https://example.com/1"'

run expected-failure-passes 1 'Probe.Passes' AUTH_TARGET_EXPECTATIONS="$(expectations probe.passes)"
expect expected-failure-passes "$scratch/expected-failure-passes.log" 'listed as an expected failure'

run skip-stays-skip 0 'Probe.Skips' AUTH_TARGET_EXPECTATIONS="$(expectations probe.skips)"
expect skip-stays-skip "$scratch/skip-stays-skip.xml" 'probe skip reason'

run no-case-id 1 'Probe.NoCase'
expect no-case-id "$scratch/no-case-id.log" 'did not open AUTHCONF_CASE'

run nothing-selected 1 'NoSuchCase.*'
expect nothing-selected "$scratch/nothing-selected.log" 'no case was selected'

run transport-error 1 'Probe.TransportError'
expect transport-error "$scratch/transport-error.xml" 'name="outcome" value="error"'
run error-not-hidden 1 'Probe.TransportError' AUTH_TARGET_EXPECTATIONS="$(expectations probe.transport-error)"

run cleanup 0 'Probe.CreatesAUser:Probe.TheUserIsGone'

run property 1 'Probe.PropertyFails'
expect property "$scratch/property.xml" 'name="rapidcheck-seed" value="[0-9]+"'
expect property "$scratch/property.xml" 'RC_PARAMS=&quot;seed=[0-9]+ max_success=100&quot;'

run duplicate-ids 1 'Probe.DuplicateId*'
expect duplicate-ids "$scratch/duplicate-ids.log" 'used by two cases'

echo '{"expectedFailures": [{"case": "x"}]}' > "$scratch/no-reason.json"
run expectations-without-reason 2 'Probe.Passes' AUTH_TARGET_EXPECTATIONS="$scratch/no-reason.json"
expect expectations-without-reason "$scratch/expectations-without-reason.log" 'no-reason.json'
run expectations-missing 2 'Probe.Passes' AUTH_TARGET_EXPECTATIONS="$scratch/missing.json"
run bad-url 2 'Probe.Passes' AUTH_TARGET_URL=ftp://example.com
expect bad-url "$scratch/bad-url.log" 'AUTH_TARGET_URL must be an http'
run no-origin-without-bridge 2 'Probe.Passes' AUTH_TARGET_URL=http://127.0.0.1:1
expect no-origin-without-bridge "$scratch/no-origin-without-bridge.log" 'AUTH_TARGET_ORIGIN'
run unreachable 2 'Probe.Passes' AUTH_TARGET_URL=http://127.0.0.1:1 AUTH_TARGET_ORIGIN=http://localhost:5173
expect unreachable "$scratch/unreachable.log" 'does not answer'

if [ $failures -ne 0 ]; then echo "$failures check(s) failed"; exit 1; fi
echo "all suite glue checks passed"
