#!/usr/bin/env bash
# System packages the test suite needs on a fresh Debian machine: Chromium for the browser tests
# (the scorer bundle and the HTML report are checked in headless Chromium, driven by playwright-core; the GPU
# kernels run on WebGPU and WebGL there through SwiftShader, which chromium-common ships).
# Installs nothing when they are already there. Run as root (CI runs .ci/run as root).
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "system deps: chromium already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "system deps: installed $(/usr/bin/chromium --version)"
