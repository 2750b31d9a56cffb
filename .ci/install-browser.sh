#!/usr/bin/env bash
# Installs Debian's chromium and chromium-driver (used by the report's browser test in spark-jobs) when
# either is missing. Idempotent and quiet: when both are installed it only checks and exits.
set -euo pipefail

missing=()
for pkg in chromium chromium-driver; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ ${#missing[@]} -eq 0 ] && [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
[ ${#missing[@]} -eq 0 ] && missing=(chromium chromium-driver)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-browser.sh: ${missing[*]} missing and not running as root; install them with apt-get" >&2
  exit 1
fi
echo "install-browser.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for bin in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$bin" ] || { echo "install-browser.sh: $bin still missing after apt-get install" >&2; exit 1; }
done
echo "install-browser.sh: $(/usr/bin/chromium --version 2>/dev/null | head -1), $(/usr/bin/chromedriver --version | head -1)"
