#!/usr/bin/env bash
# Engine test: the README's Spark example on PySpark in local mode. A JSONL
# corpus (the repository's corpus: each .txt/.md file one line, then
# corpus/wire/briefs.jsonl) goes through RDD.pipe with the README's nerpipe
# command over 4 partitions; the union of the partitions' mentions must equal,
# byte for byte, those of a single `nerpipe run --jsonl-in` over the same
# file, and `nerpipe resolve --mentions-in` over the partitions must give the
# mentions and entities files of a `nerpipe run --out` over it.
#
#   bash scripts/engine-spark.sh            # NERPIPE_BIN=... to test another binary
#
# Makes (once) a PySpark venv in $NERPIPE_CACHE (scripts/spark-venv.sh); needs
# Java 17 (installs Debian's default-jre-headless when missing, as root).
# Exits non-zero on any difference; when Spark cannot start (no Java, no
# PySpark, no JVM), fails under CI=true or NERPIPE_REQUIRE_SERVICES=1 and
# otherwise exits 77 (skipped) with the reason.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
partitions=4

name=engine-spark
# shellcheck source=scripts/engine-common.sh
. "$repo/scripts/engine-common.sh"
started=$(date +%s)

if ! java -version >/dev/null 2>&1; then
    [ "$(id -u)" = 0 ] || unavailable "no Java: install a JRE 17 (Debian: apt-get install default-jre-headless)"
    say "installing default-jre-headless"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq --no-install-recommends default-jre-headless; } >&2 </dev/null \
        || unavailable "apt-get install default-jre-headless failed"
fi
python=$(bash "$repo/scripts/spark-venv.sh") || unavailable "no PySpark venv (see scripts/spark-venv.sh's message above)"

work=$(mktemp -d "${TMPDIR:-/tmp}/nerpipe-spark.XXXXXX")
cleanup() {
    local rc=$?
    if { [ "$rc" = 0 ] || [ "$rc" = 77 ]; } && [ -z "${NERPIPE_ENGINE_KEEP:-}" ]; then rm -rf "$work"; else say "kept $work"; fi
}
trap cleanup EXIT

# Spark itself starts (a JVM, a local context), or the engine is unavailable.
PYSPARK_PYTHON="$python" "$python" -c '
from pyspark.sql import SparkSession
s = SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false").getOrCreate()
assert s.sparkContext.parallelize([1, 2, 3]).sum() == 6
s.stop()' >"$work/smoke.log" 2>&1 || { tail -n 20 "$work/smoke.log" >&2; unavailable "PySpark cannot start a local Spark (log above)"; }

# The README's pipe command, /shared/ -> our folder (the binary by its full
# path: PySpark's pipe runs it with an empty environment).
command=$(sed -n 's/.*\.pipe("\([^" ]*nerpipe run [^"]*\)".*/\1/p' "$repo/README.md" | head -n 1)
[ -n "$command" ] || die "README.md: no Spark example with .pipe(\"nerpipe run ...\")"
case "$command" in *"--jsonl-in -"*"--jsonl-out -"*) ;; *) die "README.md's pipe command does not stream (--jsonl-in - --jsonl-out -): $command" ;; esac
grep -qF 'nerpipe resolve --mentions-in /shared/mentions --out /shared/out' "$repo/README.md" \
    || die "README.md: the Spark example's \`nerpipe resolve --mentions-in /shared/mentions --out /shared/out\` is gone"
command=${command//\/shared\//$work/}
say "pipe command from README.md: $command"
mkdir -p "$work/models" "$work/bin" "$work/folder-corpus"
ln -s "$repo/models/multilingual-e5-small-ner" "$work/models/multilingual-e5-small-ner"
ln -s "$bin" "$work/bin/nerpipe"
export PATH="$work/bin:$PATH"

# The JSONL corpus: files as {"id": path, "text": ...}, then the wire feed.
"$python" - "$repo/corpus" "$work/corpus.jsonl" <<'PY'
import json, pathlib, sys
root, dest = pathlib.Path(sys.argv[1]), sys.argv[2]
with open(dest, "w", encoding="utf-8") as out:
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".txt", ".md")):
        doc = {"id": path.relative_to(root).as_posix(), "text": path.read_text(encoding="utf-8")}
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
    for path in sorted(root.rglob("*.jsonl")):
        out.write(path.read_text(encoding="utf-8"))
PY
documents=$(wc -l <"$work/corpus.jsonl")
cp "$work/corpus.jsonl" "$work/folder-corpus/corpus.jsonl"

# References: one stream over the whole file, and a folder run over it.
t0=$(date +%s)
# shellcheck disable=SC2086  # word splitting of the README's command is intended
${command/--jsonl-in -/--jsonl-in $work/corpus.jsonl} >"$work/whole.jsonl"
mention_options=${command#*--jsonl-out - }
# shellcheck disable=SC2086
nerpipe run --corpus "$work/folder-corpus" --out "$work/folder" $mention_options --no-sqlite --no-report
say "references (one stream, one folder run): $(( $(date +%s) - t0 ))s"

t0=$(date +%s)
PYSPARK_PYTHON="$python" "$python" "$repo/scripts/spark_pipe.py" \
    "$work/corpus.jsonl" "$work/mentions" "$partitions" "$command" >"$work/spark.out" 2>"$work/spark.err" \
    || { tail -n 30 "$work/spark.err" >&2; die "the Spark job failed (log above; java: $(java -version 2>&1 | head -n 1))"; }
# (A Spark that cannot start at all is caught first: see the smoke job above.)
say "Spark job ($partitions partitions): $(( $(date +%s) - t0 ))s"

# Each partition held documents and wrote its own part file.
sizes=$(tail -n 1 "$work/spark.out")
"$python" - "$sizes" "$partitions" "$documents" <<'PY' || die "partitions: $sizes"
import json, sys
sizes, partitions, documents = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
assert len(sizes) == partitions and all(n > 0 for n in sizes) and sum(sizes) == documents, sizes
PY
parts=$(find "$work/mentions" -name 'part-*' | wc -l)
[ "$parts" = "$partitions" ] || die "$parts part files, expected $partitions"
[ -f "$work/mentions/_SUCCESS" ] || die "the Spark job did not write _SUCCESS"

# The union of the partitions equals the single run, in order and as a set.
cat "$work/mentions"/part-* >"$work/union.jsonl"
mentions=$(wc -l <"$work/whole.jsonl")
[ "$mentions" -gt 0 ] || die "the single --jsonl-in run found no mentions"
cmp "$work/whole.jsonl" "$work/union.jsonl" \
    || die "the partitions' mentions (in partition order) differ from the single --jsonl-in run's"
cmp <(LC_ALL=C sort "$work/whole.jsonl") <(LC_ALL=C sort "$work/union.jsonl") \
    || die "the partitions' mentions differ from the single --jsonl-in run's"

# Entities across partitions: nerpipe resolve equals the folder run.
nerpipe resolve --mentions-in "$work/mentions" --out "$work/resolved"
for f in mentions.jsonl mentions.csv entities.jsonl entities.csv; do
    cmp "$work/folder/$f" "$work/resolved/$f" \
        || die "$f of nerpipe resolve over the partitions differs from the folder run's"
done
entities=$(wc -l <"$work/resolved/entities.jsonl")
say "OK: $documents documents over $partitions partitions: $mentions mentions identical to one --jsonl-in run; $entities entities resolved identical to a folder run; $(( $(date +%s) - started ))s in all"
