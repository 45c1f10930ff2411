#!/usr/bin/env bash
# Chromium for the dashboard's browser test (test/dashboard.e2e.spec.ts drives /usr/bin/chromium
# through playwright-core; Playwright's own browser downloads are never used). Does nothing when
# /usr/bin/chromium is there; otherwise installs the Debian package, as root or with passwordless sudo.
set -euo pipefail
CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then exit 0; fi
fail() {
  echo "chromium: $*" >&2
  echo "chromium: the dashboard's browser test needs $CHROMIUM: install it (Debian: apt-get install chromium) and run again" >&2
  exit 1
}
command -v apt-get >/dev/null 2>&1 || fail "$CHROMIUM is missing and there is no apt-get to install it with"
as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then as_root=(sudo -n); else fail "$CHROMIUM is missing and installing it needs root (or passwordless sudo)"; fi
fi
echo "chromium: $CHROMIUM is missing; installing the Debian package (apt-get update, apt-get install chromium)"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq || fail "apt-get update failed"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || fail "apt-get install -y chromium failed"
[ -x "$CHROMIUM" ] || fail "apt-get installed chromium, but $CHROMIUM is still missing"
echo "chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
