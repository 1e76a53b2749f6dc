#!/usr/bin/env bash
# Run HERE (the CPU machine) before using the GPU machine: assembles .gpu-carry/ (git-ignored, < 64 MiB) with
# what bench/gpu/run.sh needs there — Node packed with xz, the built library, gpu.js with its two small
# dependencies, `webgpu` with only its Linux Dawn binary, and Debian's libvulkan1.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run build >/dev/null
rm -rf .gpu-carry && mkdir -p .gpu-carry/node_modules
NODE_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
tar -C "$(dirname "$NODE_DIR")" -cJf .gpu-carry/node.tar.xz "$(basename "$NODE_DIR")/bin/node"
for p in gpu.js acorn gpu-mock.js; do cp -r "node_modules/$p" .gpu-carry/node_modules/; done
mkdir -p .gpu-carry/node_modules/webgpu/dist
cp node_modules/webgpu/package.json .gpu-carry/node_modules/webgpu/
cp node_modules/webgpu/*.js .gpu-carry/node_modules/webgpu/ 2>/dev/null || true
cp node_modules/webgpu/dist/*.js node_modules/webgpu/dist/*.d.ts .gpu-carry/node_modules/webgpu/dist/ 2>/dev/null || true
cp node_modules/webgpu/dist/linux-x64.dawn.node .gpu-carry/node_modules/webgpu/dist/
(cd .gpu-carry && apt-get download libvulkan1 >/dev/null 2>&1 || echo "warning: apt-get download libvulkan1 failed (run apt-get update)")
du -sh .gpu-carry
echo "carry: .gpu-carry and dist; run: bash bench/gpu/run.sh"
