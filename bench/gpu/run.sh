#!/usr/bin/env bash
# Run ON the GPU machine (Ubuntu 24.04, NVIDIA, no Node): unpacks Node and the Vulkan loader carried in
# .gpu-carry/ (made by bench/gpu/prepare.sh), points Dawn at the NVIDIA ICD, then runs the agreement checks and
# the benchmark table (bench/gpu/bench.mjs) within a few minutes. Output also goes to $OUT/gpu-bench.log.
# It replaces node_modules with the carried subset and unpacks a .deb into /: run it there, or on a copy of the tree.
set -euo pipefail
cd "$(dirname "$0")/../.."
C=.gpu-carry
mkdir -p /tmp/node && tar -C /tmp/node -xJf $C/node.tar.xz && export PATH="$(dirname "$(find /tmp/node -name node -type f | head -1)"):$PATH"
for f in $C/*.deb; do dpkg -x "$f" /; done; ldconfig
export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
rm -rf node_modules && cp -r $C/node_modules node_modules
node --version
set +e
node bench/gpu/bench.mjs "$@" 2>&1 | tee "${OUT:-/tmp}/gpu-bench.log"
echo "bench rc=${PIPESTATUS[0]}" | tee -a "${OUT:-/tmp}/gpu-bench.log"
# `--mode X` (e.g. webasm, to check this script on a CPU machine) applies to the CLI runs too.
args=("$@")
for i in "${!args[@]}"; do [ "${args[$i]}" = "--mode" ] && export HAMILTONIAN_AI_GPU_MODE="${args[$((i + 1))]}"; done
# The CLI on the device: self-check, training and scoring through the GPU, and a clean exit (Dawn keeps Node's event
# loop alive unless the process ends explicitly; rc 124 here means it hung).
echo "--- CLI: train/score --backend gpu (credit_data) ---" | tee -a "${OUT:-/tmp}/gpu-bench.log"
timeout 180 node bin/hamiltonian-ai.js train --data data/credit_data.csv --target Status --positive bad --out /tmp/g.safetensors \
  --epochs 3 --batch-size 512 --backend gpu --json --quiet 2>&1 | tail -3 | tee -a "${OUT:-/tmp}/gpu-bench.log"
echo "train rc=${PIPESTATUS[0]}" | tee -a "${OUT:-/tmp}/gpu-bench.log"
timeout 180 node bin/hamiltonian-ai.js score --model /tmp/g.safetensors --data data/credit_data.csv --out /tmp/g.csv \
  --backend gpu --batch-size 65536 --json 2>&1 | tail -2 | tee -a "${OUT:-/tmp}/gpu-bench.log"
echo "score rc=${PIPESTATUS[0]}" | tee -a "${OUT:-/tmp}/gpu-bench.log"
