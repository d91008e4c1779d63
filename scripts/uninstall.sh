#!/usr/bin/env bash
# make uninstall: removes exactly what scripts/install.sh listed in
# PREFIX/share/nerpipe/installed-files: its files, then the folders it
# created, where they are empty (innermost first), then the list itself.
# Usage: uninstall.sh PREFIX
set -euo pipefail
prefix=$1
manifest="$prefix/share/nerpipe/installed-files"
[ -f "$manifest" ] || { echo "uninstall: $manifest not found: nothing of nerpipe's is installed in $prefix" >&2; exit 1; }
mapfile -t entries <"$manifest"
files=0
for entry in "${entries[@]}"; do
    [ "${entry%% *}" = file ] && rm -f "${entry#* }" && files=$((files + 1))
done
rm -f "$manifest"
for ((i = ${#entries[@]} - 1; i >= 0; i--)); do
    entry=${entries[i]}
    [ "${entry%% *}" = dir ] && rmdir "${entry#* }" 2>/dev/null || true
done
echo "uninstall: removed $files files from $prefix" >&2
