#!/usr/bin/env bash
# Engine test: the README's Slurm job array on a real one-node Slurm cluster
# (scripts/slurm-local.sh), with one array task cancelled mid-run and
# requeued, merged by the README's afterok job, compared byte for byte with an
# unsharded run of the same corpus.
#
#   bash scripts/engine-slurm.sh            # NERPIPE_BIN=... to test another binary
#
# The array script is taken from README.md ("Slurm job array:") with only its
# /shared/ paths replaced; `nerpipe` is found on PATH as the README assumes.
# sbatch command-line options override the script's #SBATCH lines for this
# small machine: 3 tasks (ids 1-3) instead of 16, 1 CPU each (so --threads
# 1), 1G.
# Needs root (see slurm-local.sh). Exits non-zero on any difference; when
# Slurm cannot start, fails under CI=true or NERPIPE_REQUIRE_SERVICES=1 and
# otherwise exits 77 (skipped) with the reason. Nothing is left running: the
# cluster is stopped on exit.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${NERPIPE_ENGINE_TIMEOUT:-300}
tasks=3
# Task ids 1-3, not 0-2: shard i is task i+1, from SLURM_ARRAY_TASK_MIN.
first=1
last=$((first + tasks - 1))
cancelled=2

name=engine-slurm
# shellcheck source=scripts/engine-common.sh
. "$repo/scripts/engine-common.sh"
[ "$(id -u)" = 0 ] || unavailable "a local Slurm needs root (scripts/slurm-local.sh installs packages and runs slurmd)"
started=$(date +%s)

work=$(mktemp -d "${TMPDIR:-/tmp}/nerpipe-slurm.XXXXXX")
cluster="$work/cluster"
cleanup() {
    local rc=$?
    bash "$repo/scripts/slurm-local.sh" stop "$cluster" || true
    if { [ "$rc" = 0 ] || [ "$rc" = 77 ]; } && [ -z "${NERPIPE_ENGINE_KEEP:-}" ]; then
        rm -rf "$work"
    else
        say "kept $work (cluster logs in $cluster)"
    fi
}
trap cleanup EXIT

# The README's array script and merge line, /shared/ -> our folder.
readme="$repo/README.md"
awk '/^Slurm job array:/ {found = 1} found && /^```sh$/ {n++; next} found && /^```$/ {if (n == 1) exit; next} found && n == 1 {print}' \
    "$readme" >"$work/nerpipe-array.readme.sh"
grep -q '^srun nerpipe run ' "$work/nerpipe-array.readme.sh" \
    || die "README.md: no \"Slurm job array:\" section with an \`srun nerpipe run\` script"
grep -q -- '--shard' "$work/nerpipe-array.readme.sh" \
    && die "README.md's array script passes --shard/--shard-count; Slurm publishes the array size, the test runs without"
grep -qF 'jid=$(sbatch --parsable nerpipe-array.sh)' "$readme" \
    || die "README.md: the submit line \`jid=\$(sbatch --parsable nerpipe-array.sh)\` is gone"
merge_line=$(grep -F 'sbatch --dependency=afterok:$jid --wrap "nerpipe merge /shared/out"' "$readme") \
    || die "README.md: the merge line \`sbatch --dependency=afterok:\$jid --wrap \"nerpipe merge /shared/out\"\` is gone"
sed "s|/shared/|$work/|g" "$work/nerpipe-array.readme.sh" >"$work/nerpipe-array.sh"
say "array script from README.md:"; sed 's/^/    /' "$work/nerpipe-array.sh" >&2

# The shared folder: the model, and the repository's corpus three times over
# (the wire feed once: its doc_ids are its own), so that a task runs long
# enough to be cancelled mid-run.
mkdir -p "$work/models" "$work/corpus" "$work/bin"
ln -s "$repo/models/multilingual-e5-small-ner" "$work/models/multilingual-e5-small-ner"
for copy in a b c; do
    cp -r "$repo/corpus" "$work/corpus/$copy"
    [ "$copy" = a ] || find "$work/corpus/$copy" -name '*.jsonl' -delete
done
ln -s "$bin" "$work/bin/nerpipe"
export PATH="$work/bin:$PATH"

# The unsharded reference: the script's command without the scheduler.
run_line=$(grep '^srun nerpipe run ' "$work/nerpipe-array.sh")
reference_cmd=${run_line#srun }
reference_cmd=${reference_cmd//\$SLURM_CPUS_PER_TASK/1}
reference_cmd=${reference_cmd//\"/}
reference_cmd=${reference_cmd//$work\/out/$work/whole}
t0=$(date +%s)
# shellcheck disable=SC2086  # word splitting of the README's command is intended
$reference_cmd || die "the unsharded reference run failed: $reference_cmd"
say "unsharded reference: $(( $(date +%s) - t0 ))s"

slurm_env=$(bash "$repo/scripts/slurm-local.sh" start "$cluster") \
    || unavailable "Slurm did not start (see the messages above; logs in $cluster)"
eval "$slurm_env"

t0=$(date +%s)
cd "$work"
jid=$(sbatch --parsable --array=$first-$last --cpus-per-task=1 --mem=1G \
    --output="$work/task-%a.log" nerpipe-array.sh) || die "sbatch of the array script failed"
# The README's merge line, as written (/shared/ replaced), plus --parsable for its id.
merge_cmd=${merge_line//\/shared\//$work/}
merge_cmd=${merge_cmd/sbatch /sbatch --parsable --output=$work/merge.log }
mjid=$(eval "$merge_cmd") || die "sbatch of the merge job failed"
say "array job $jid ($tasks tasks), merge job $mjid"

state_of() { scontrol show job "$1" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
deadline=$((started + timeout_s))
# A task that failed fails the test at once, with its log (not at the timeout).
no_failed_task() {
    local i
    for i in $(seq "$first" "$last"); do
        case "$(state_of "${jid}_$i")" in FAILED|NODE_FAIL|OUT_OF_MEMORY|TIMEOUT)
            die "task $i ended $(state_of "${jid}_$i"): $(cat "$work/task-$i.log" 2>/dev/null)" ;;
        esac
    done
}
wait_until() { # DESCRIPTION COMMAND...: polls COMMAND until it succeeds, bounded.
    local what=$1; shift
    until "$@"; do
        no_failed_task
        [ "$(date +%s)" -lt "$deadline" ] || die "timed out after ${timeout_s}s waiting for $what; queue: $(squeue -h -o '%i %T %r' | tr '\n' ';')"
        sleep 0.2
    done
}

# Cancel task $cancelled once it is processing (manifest written, not done).
shard="$work/out/shards/$((cancelled - first))-of-$tasks"
mid_run() { [ -f "$shard/manifest.json" ] && [ "$(state_of "${jid}_$cancelled")" = RUNNING ]; }
wait_until "task $cancelled to start processing" mid_run
[ -f "$shard/DONE" ] && die "task $cancelled finished before it could be cancelled (corpus too small for this machine?)"
scancel "${jid}_$cancelled"
ended() { case "$(state_of "${jid}_$cancelled")" in CANCELLED|COMPLETED|FAILED) return 0 ;; esac; return 1; }
wait_until "task $cancelled to be cancelled" ended
[ "$(state_of "${jid}_$cancelled")" = CANCELLED ] \
    || die "task $cancelled ended $(state_of "${jid}_$cancelled") before it could be cancelled (corpus too small for this machine?)"
[ -f "$shard/DONE" ] && die "task $cancelled finished although it was cancelled"
say "task $cancelled cancelled mid-run ($(find "$shard/chunks" -type f | wc -l) chunks committed)"
scontrol requeue "${jid}_$cancelled" || die "scontrol requeue ${jid}_$cancelled failed"
# As README.md says: a requeued job waits 2 minutes before it is eligible, and
# the merge job's afterok on the whole array is never satisfied after a
# cancelled task; depend on the tasks instead.
scontrol update JobId="${jid}_$cancelled" StartTime=now
scontrol update JobId="$mjid" Dependency="afterok:$(seq -s: -f "${jid}_%g" "$first" "$last")"

merged() {
    case "$(state_of "$mjid")" in
        COMPLETED) return 0 ;;
        FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY)
            die "merge job $mjid ended $(state_of "$mjid"): $(cat "$work/merge.log" 2>/dev/null)" ;;
    esac
    return 1
}
wait_until "the merge job" merged
say "array + requeue + merge: $(( $(date +%s) - t0 ))s"

restarts=$(scontrol show job "${jid}_$cancelled" | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p')
[ "$restarts" = 1 ] || die "task $cancelled: Restarts=$restarts, expected 1"
for i in $(seq "$first" "$last"); do
    [ "$(state_of "${jid}_$i")" = COMPLETED ] || die "task $i: $(state_of "${jid}_$i")"
    [ -f "$work/out/shards/$((i - first))-of-$tasks/DONE" ] || die "shard $((i - first))-of-$tasks (task $i) has no DONE"
done
[ "$(find "$work/out/shards" -mindepth 1 -maxdepth 1 | wc -l)" = "$tasks" ] \
    || die "shard folders other than the $tasks of the array: $(ls "$work/out/shards")"
grep -q "merged $tasks shards" "$work/merge.log" || die "merge job log: $(cat "$work/merge.log")"

# Every output a sharded run promises to be identical (README "Running on
# many machines"), the review report included; run.json (timings, shard
# count) and nerpipe.sqlite (which holds run.json) record the run itself.
for f in mentions.csv mentions.jsonl entities.csv entities.jsonl documents.csv documents.jsonl errors.jsonl; do
    cmp "$work/whole/$f" "$work/out/$f" || die "$f differs between the unsharded run and the Slurm array"
done
diff -r "$work/whole/report" "$work/out/report" >/dev/null \
    || die "the review report (report/) differs between the unsharded run and the Slurm array"
mentions=$(wc -l <"$work/whole/mentions.jsonl")
[ "$mentions" -gt 0 ] || die "the reference run found no mentions"
say "OK: $tasks-task array (task $cancelled cancelled and requeued) merged byte-identical to the unsharded run ($mentions mentions) in $(( $(date +%s) - started ))s"
