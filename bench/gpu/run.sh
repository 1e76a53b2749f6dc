#!/usr/bin/env bash
# Run ON the GPU machine (Ubuntu 24.04, NVIDIA, no Node): unpacks Node and the Vulkan loader carried in
# .gpu-carry/ (made by bench/gpu/prepare.sh), points Dawn at the NVIDIA ICD, then runs the agreement checks and
# the benchmark table (bench/gpu/bench.mjs) within a few minutes. Output also goes to $OUT/gpu-bench.log.
set -euo pipefail
cd "$(dirname "$0")/../.."
C=.gpu-carry
mkdir -p /tmp/node && tar -C /tmp/node -xJf $C/node.tar.xz && export PATH="$(dirname "$(find /tmp/node -name node -type f | head -1)"):$PATH"
for f in $C/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
rm -rf node_modules && cp -r $C/node_modules node_modules
node --version
node bench/gpu/bench.mjs "$@" 2>&1 | tee "${OUT:-/tmp}/gpu-bench.log"
