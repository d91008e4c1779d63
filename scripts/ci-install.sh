#!/usr/bin/env bash
# Installs the Debian packages the downstream tests use, if missing: chromium
# (HTML report checks), sqlite3 (the SQLite CLI check), postgresql (the load
# test; start it with scripts/ci-postgres.sh), python3-venv (the followthemoney
# venv, scripts/ftm-venv.sh), patchelf (make install), tesseract-ocr with its
# models and poppler-utils (PDF text and OCR), Ghostscript and fonts (the scan
# corpus). Idempotent, quiet, no TTY needed.
set -euo pipefail

missing=()
# fonts-liberation is only recommended, but screenshots need a font.
command -v chromium >/dev/null || missing+=(chromium fonts-liberation)
command -v sqlite3 >/dev/null || missing+=(sqlite3)
compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || missing+=(postgresql)
# scripts/ftm-venv.sh needs venv with ensurepip (Debian splits it out).
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
# make install sets the installed binary's library path with patchelf.
command -v patchelf >/dev/null || missing+=(patchelf)
# OCR (tests/ocr.rs): Tesseract 5 with the region's models and English,
# poppler's pdftoppm and pdfinfo to render PDF pages.
command -v tesseract >/dev/null || missing+=(tesseract-ocr)
for model in eng hrv srp srp-latn bos mkd; do
    compgen -G "/usr/share/tesseract-ocr/*/tessdata/${model//-/_}.traineddata" >/dev/null \
        || missing+=("tesseract-ocr-$model")
done
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
# The scan corpus (tests/scan_corpus.rs, scripts/make-scan-corpus.py):
# Ghostscript's ps2pdf as one of its PDF producers, and the fonts it renders.
command -v ps2pdf >/dev/null || missing+=(ghostscript)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -d /usr/share/fonts/truetype/liberation ] || missing+=(fonts-liberation)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
    echo "ci-install: need root to install: ${missing[*]}" >&2
    exit 1
fi
echo "ci-install: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
