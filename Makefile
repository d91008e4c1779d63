# nerpipe — see README.md. Every target provisions what it needs, cached outside
# the clone so fresh clones and CI reuse it (override with NERPIPE_CACHE=...).
NERPIPE_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/nerpipe
export NERPIPE_CACHE
export LIBTORCH := $(NERPIPE_CACHE)/libtorch
export LIBTORCH_CXX11_ABI := 0
# Bake libtorch's folder into the binaries so they run without LD_LIBRARY_PATH.
export RUSTFLAGS := -C link-arg=-Wl,-rpath,$(LIBTORCH)/lib
CARGO ?= cargo
MODEL ?= models/conll03-minilm-l6
BIN := target/release/nerpipe

.PHONY: run test bench lint fmt model libtorch build fuzz

libtorch: $(LIBTORCH)/.nerpipe-complete
$(LIBTORCH)/.nerpipe-complete:
	bash scripts/provision-libtorch.sh

build: libtorch
	$(CARGO) build --release --locked

run: build
	$(BIN) run --corpus corpus --out output --model $(MODEL)

# Tests run in release mode: the model tests are much faster, and they share
# the dependency build with `make run`.
test: libtorch
	$(CARGO) test --release --locked

# Each benchmark prints its own baseline or target beside the measurement.
bench: build
	$(CARGO) run --release --locked --example bench -- --corpus corpus --model $(MODEL) --threads 1
	$(CARGO) run --release --locked --example bench_resolve

lint: libtorch
	$(CARGO) fmt --check
	$(CARGO) clippy --release --locked --all-targets -- -D warnings

fmt:
	$(CARGO) fmt

# Generated input for the amounts recogniser and ingest, FUZZ_SECONDS (60) each.
FUZZ_SECONDS ?= 60
fuzz: libtorch
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(CARGO) test --release --locked --test fuzz -- --ignored --nocapture --test-threads 2

# Long (about an hour on 2 cores): fine-tunes the default model from the base encoder.
model: build
	$(BIN) train --base "$$(bash scripts/fetch-base-encoder.sh)" \
	  --train ../shared/datasets/conll2003/eng.train --dev ../shared/datasets/conll2003/eng.testa \
	  --out $(MODEL) $(TRAIN_ARGS)
