#!/usr/bin/env bash
# make install: installs nerpipe under PREFIX so that it runs from any folder
# with no environment variables:
#   PREFIX/bin/nerpipe                      the binary, its library path set to
#   PREFIX/lib/nerpipe/                     libtorch's libraries (copied)
#   PREFIX/share/nerpipe/models/NAME/       the models (found by name)
#   PREFIX/share/man/man1/nerpipe.1         the manual page
#   PREFIX/share/bash-completion/completions/nerpipe,
#   PREFIX/share/zsh/site-functions/_nerpipe,
#   PREFIX/share/fish/vendor_completions.d/nerpipe.fish
# Every file and every folder it creates is listed in
# PREFIX/share/nerpipe/installed-files, which `make uninstall` removes exactly.
# It refuses to replace a file that an earlier install did not write.
# Usage: install.sh PREFIX BINARY LIBTORCH MODEL_FOLDER...
set -euo pipefail
prefix=$1 bin=$2 libtorch=$3
shift 3
[ -n "$prefix" ] || { echo "install: PREFIX is empty" >&2; exit 2; }
command -v patchelf >/dev/null || {
    echo "install: patchelf is needed to point the installed binary at its libraries: apt-get install patchelf" >&2
    exit 1
}
[ -x "$bin" ] || { echo "install: $bin: not built (run make build)" >&2; exit 1; }
[ -d "$libtorch/lib" ] || { echo "install: $libtorch/lib: libtorch not provisioned (run make libtorch)" >&2; exit 1; }
mkdir -p "$prefix"
prefix=$(cd "$prefix" && pwd)
manifest="$prefix/share/nerpipe/installed-files"
declare -A ours=()
if [ -f "$manifest" ]; then
    while IFS= read -r line; do ours["${line#* }"]=1; done <"$manifest"
fi
entries=()

# make_dir DIR: creates DIR and the folders above it that are missing,
# recording each one created (outermost first).
make_dir() {
    local dir=$1 missing=()
    while [ ! -d "$dir" ]; do missing=("$dir" "${missing[@]}"); dir=$(dirname "$dir"); done
    for d in "${missing[@]}"; do mkdir "$d"; entries+=("dir $d"); done
    return 0
}
# put SRC DEST [MODE]: copies a file, refusing to replace one not ours.
put() {
    local src=$1 dest=$2 mode=${3:-644}
    if [ -e "$dest" ] && [ -z "${ours[$dest]:-}" ]; then
        echo "install: $dest exists and was not installed by nerpipe: not replacing it (move it away, or choose another PREFIX)" >&2
        exit 1
    fi
    make_dir "$(dirname "$dest")"
    install -m "$mode" "$src" "$dest"
    entries+=("file $dest")
}
# Earlier installs' folders stay recorded, so uninstall still removes them.
if [ -f "$manifest" ]; then
    while IFS= read -r line; do [ "${line%% *}" = dir ] && entries+=("$line"); done <"$manifest"
fi

put "$bin" "$prefix/bin/nerpipe" 755
for lib in "$libtorch"/lib/*; do
    put "$lib" "$prefix/lib/nerpipe/$(basename "$lib")" 644
done
patchelf --set-rpath '$ORIGIN/../lib/nerpipe' "$prefix/bin/nerpipe"
for model in "$@"; do
    name=$(basename "$model")
    for f in "$model"/*; do
        [ -f "$f" ] && put "$f" "$prefix/share/nerpipe/models/$name/$(basename "$f")"
    done
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$prefix/bin/nerpipe" man >"$tmp/nerpipe.1"
"$prefix/bin/nerpipe" completions bash >"$tmp/bash"
"$prefix/bin/nerpipe" completions zsh >"$tmp/zsh"
"$prefix/bin/nerpipe" completions fish >"$tmp/fish"
put "$tmp/nerpipe.1" "$prefix/share/man/man1/nerpipe.1"
put "$tmp/bash" "$prefix/share/bash-completion/completions/nerpipe"
put "$tmp/zsh" "$prefix/share/zsh/site-functions/_nerpipe"
put "$tmp/fish" "$prefix/share/fish/vendor_completions.d/nerpipe.fish"
make_dir "$(dirname "$manifest")"
printf '%s\n' "${entries[@]}" | awk '!seen[$0]++' >"$manifest"
echo "install: nerpipe installed in $prefix ($(grep -c '^file ' "$manifest") files); run $prefix/bin/nerpipe --version" >&2
