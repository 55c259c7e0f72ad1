#!/usr/bin/env bash
# `npm test`: every test tier in turn (docs/development.md, "Tests"), fastest first, each its own
# mocha run, so one tier's crash leaves the others' results standing. Prints each tier's counts and
# time, then the sums as mocha prints them ("N passing", "N pending", "N failing": what .ci/run
# reads). Exits non-zero when any tier failed.
#   TIERS="unit tools" npm test    runs some tiers only
set -uo pipefail
cd "$(dirname "$0")/.."

tiers=${TIERS:-unit tools lab integration e2e netlab}
summary=()
total_passing=0 total_pending=0 total_failing=0 status=0

for tier in $tiers; do
  log=$(mktemp)
  start=$(date +%s)
  npm run --silent "test:$tier" 2>&1 | tee "$log"
  code=${PIPESTATUS[0]}
  seconds=$(($(date +%s) - start))
  sed -i 's/\x1b\[[0-9;]*m//g' "$log"
  count() { grep -Eo "^ *[0-9]+ $1" "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0; }
  passing=$(count passing) pending=$(count pending) failing=$(count failing)
  if [ "$code" -ne 0 ] && [ "$failing" -eq 0 ]; then failing=1; fi # crashed before its summary
  [ "$code" -eq 0 ] || status=1
  rm -f "$log"
  total_passing=$((total_passing + passing)) total_pending=$((total_pending + pending)) total_failing=$((total_failing + failing))
  summary+=("$(printf '  %-12s %5s passing %4s pending %4s failing %5ss' "$tier" "$passing" "$pending" "$failing" "$seconds")")
done

printf '\ntiers:\n'
printf '%s\n' "${summary[@]}"
# always all three: a reader taking the last of each must not meet a tier's own line
printf '\n  %s passing\n  %s pending\n  %s failing\n' "$total_passing" "$total_pending" "$total_failing"
exit "$status"
