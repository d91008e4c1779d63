# Sourced by scripts/engine-*.sh after they set `name` and `repo`: messages,
# the skip/fail rule and the nerpipe binary they test.
bin=${NERPIPE_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/nerpipe}
die() { echo "$name: FAILED: $*" >&2; exit 1; }
# An engine that cannot start fails under CI=true or NERPIPE_REQUIRE_SERVICES=1
# (as tests/services does); elsewhere it is skipped with the reason, exit 77.
unavailable() {
    case "${CI:-}" in [Tt][Rr][Uu][Ee]|1) die "$* (CI=true requires this engine)" ;; esac
    [ "${NERPIPE_REQUIRE_SERVICES:-}" = 1 ] && die "$* (NERPIPE_REQUIRE_SERVICES=1 requires this engine)"
    echo "$name: SKIPPED: $*" >&2
    exit 77
}
say() { echo "$name: $*" >&2; }
[ -x "$bin" ] || die "no nerpipe binary at $bin: run \`make build\` (or set NERPIPE_BIN)"
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
