#!/usr/bin/env bash
# Provisions libtorch 2.4.0 (CPU part of the PyPI wheel) into $NERPIPE_CACHE/libtorch.
# Idempotent: a finished install is marked with a stamp file and skipped.
# Why the PyPI wheel: the CPU-only libtorch index is unreachable here; the CUDA
# wheel carries libtorch_cpu.so, which links libcudart/libcupti, so those two
# come from their own wheels. Everything else in the wheel is left out (~530 MB kept).
set -euo pipefail
cache="${NERPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerpipe}"
dest="$cache/libtorch"
stamp="$dest/.nerpipe-complete"
[ -f "$stamp" ] && exit 0

wheels="$cache/wheels"
mkdir -p "$wheels"
pip_get() { # name==version: download once into the wheel cache
  local spec="$1" name="${1%%==*}"
  if ! ls "$wheels"/"${name//-/_}"-*.whl >/dev/null 2>&1; then
    echo "nerpipe: downloading $spec (once, into $wheels)" >&2
    python3 -m pip download --quiet --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux1_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
      -d "$wheels" "$spec"
  fi
}
pip_get torch==2.4.0
pip_get nvidia-cuda-runtime-cu12==12.1.105
pip_get nvidia-cuda-cupti-cu12==12.1.105

tmp="$dest.partial"
rm -rf "$tmp"; mkdir -p "$tmp/unpack" "$tmp/lib"
echo "nerpipe: unpacking libtorch into $dest" >&2
unzip -q -o "$wheels"/torch-2.4.0-*.whl 'torch/include/*' 'torch/lib/libtorch_cpu.so' 'torch/lib/libc10.so' 'torch/lib/libgomp-*.so.1' -d "$tmp/unpack"
unzip -q -o -j "$wheels"/nvidia_cuda_runtime_cu12-*.whl '*/libcudart.so.12' -d "$tmp/lib"
unzip -q -o -j "$wheels"/nvidia_cuda_cupti_cu12-*.whl '*/libcupti.so.12' -d "$tmp/lib"
mv "$tmp/unpack/torch/include" "$tmp/include"
mv "$tmp"/unpack/torch/lib/* "$tmp/lib/"
rm -rf "$tmp/unpack"
ln -sf libtorch_cpu.so "$tmp/lib/libtorch.so"
echo "2.4.0" > "$tmp/build-version"
touch "$tmp/.nerpipe-complete"
rm -rf "$dest"; mv "$tmp" "$dest"
echo "nerpipe: libtorch ready in $dest" >&2
