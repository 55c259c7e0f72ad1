#!/usr/bin/env bash
# Makes sure the browser the status page tests drive is present: Debian's `chromium` (its binary at
# /usr/bin/chromium), driven by playwright-core (an npm dev dependency, which downloads no browser of
# its own). Installs it with apt-get, non-interactively, when missing.
set -euo pipefail

if [[ ! -x /usr/bin/chromium ]]; then
  sudo=()
  [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  echo "installing chromium with apt-get" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

[[ -x /usr/bin/chromium ]] || { echo "ensure-chromium: /usr/bin/chromium still missing" >&2; exit 1; }
echo "$(/usr/bin/chromium --version 2>/dev/null | head -1)"
