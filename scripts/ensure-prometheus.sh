#!/usr/bin/env bash
# Makes sure the real Prometheus tools the rule tests and the end-to-end alert test use are present:
# Debian's `prometheus` (prometheus, promtool) and `prometheus-alertmanager` (prometheus-alertmanager,
# amtool). Installs them with apt-get when missing. The packages' services are kept from starting so
# nothing is left listening on 9090/9093 (the tests pick free ports of their own anyway).
set -euo pipefail

missing=()
for pair in prometheus:prometheus promtool:prometheus prometheus-alertmanager:prometheus-alertmanager amtool:prometheus-alertmanager; do
  binary=${pair%%:*} package=${pair#*:}
  if ! command -v "$binary" >/dev/null 2>&1; then
    [[ " ${missing[*]-} " == *" $package "* ]] || missing+=("$package")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive

  # invoke-rc.d asks policy-rc.d whether a package may start its service: 101 means no.
  policy=/usr/sbin/policy-rc.d
  added_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${sudo[@]}" tee "$policy" >/dev/null
    "${sudo[@]}" chmod 755 "$policy"
    added_policy=true
  fi
  cleanup() { if $added_policy; then "${sudo[@]}" rm -f "$policy"; fi; }
  trap cleanup EXIT

  echo "installing ${missing[*]} with apt-get" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

  # Where systemd runs, policy-rc.d is not consulted: stop and disable the services explicitly.
  if [[ -d /run/systemd/system ]]; then
    for unit in prometheus prometheus-alertmanager; do
      "${sudo[@]}" systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
fi

for binary in prometheus promtool prometheus-alertmanager amtool; do
  command -v "$binary" >/dev/null 2>&1 || { echo "ensure-prometheus: $binary still missing" >&2; exit 1; }
done
echo "prometheus $(prometheus --version 2>&1 | awk 'NR==1{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | awk 'NR==1{print $3}')"
