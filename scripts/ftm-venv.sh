#!/usr/bin/env bash
# Creates (once) a Python venv with the followthemoney package for the FtM
# export check (tests/export_ftm.rs, scripts/ftm_validate.py) and prints its
# python:   export NERPIPE_FTM_PYTHON="$(bash scripts/ftm-venv.sh)"
# The venv lives in the cache ($NERPIPE_CACHE/venv-ftm), not in the clone.
set -euo pipefail
version=${FTM_VERSION:-4.11.2}
cache=${NERPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerpipe}
venv="$cache/venv-ftm-$version"
if [ ! -f "$venv/.nerpipe-complete" ]; then
    echo "ftm-venv: installing followthemoney==$version into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2 || { echo "ftm-venv: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
    "$venv/bin/pip" install -q "followthemoney==$version" >&2
    touch "$venv/.nerpipe-complete"
fi
echo "$venv/bin/python"
