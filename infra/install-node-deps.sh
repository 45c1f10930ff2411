#!/usr/bin/env bash
# Install the project's npm dependencies when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null 2>&1; then
  echo "node not found: install Node.js >= 20.19 (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi
if ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)'; then
  echo "Node.js $(node --version) is too old: this project needs >= 20.19" >&2
  exit 1
fi
if [ -L node_modules ]; then
  # A worktree sharing another checkout's packages: npm ci here would empty the shared copy.
  echo "npm: node_modules is a link to $(readlink node_modules); not installing through it"
elif [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "npm: installing dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
