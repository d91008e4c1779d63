#!/usr/bin/env bash
# Creates (once) a Python venv with PySpark for the Spark engine test
# (scripts/engine-spark.sh) and prints its python:
#   python="$(bash scripts/spark-venv.sh)"
# The venv lives in the cache ($NERPIPE_CACHE/venv-pyspark-VERSION), not in
# the clone. PySpark needs Java 17 (Debian: default-jre-headless), checked
# by engine-spark.sh, which installs it when missing.
set -euo pipefail
version=${PYSPARK_VERSION:-3.5.3}
cache=${NERPIPE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nerpipe}
venv="$cache/venv-pyspark-$version"
if [ ! -f "$venv/.nerpipe-complete" ]; then
    echo "spark-venv: installing pyspark==$version into $venv" >&2
    rm -rf "$venv"
    python3 -m venv "$venv" >&2 || { echo "spark-venv: python3 -m venv failed (Debian: apt-get install python3-venv)" >&2; exit 1; }
    "$venv/bin/pip" install -q --disable-pip-version-check "pyspark==$version" >&2 \
        || { echo "spark-venv: pip install pyspark==$version failed (needs PyPI, or a pip mirror in PIP_INDEX_URL)" >&2; exit 1; }
    touch "$venv/.nerpipe-complete"
fi
echo "$venv/bin/python"
