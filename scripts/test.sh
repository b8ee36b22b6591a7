#!/usr/bin/env bash
# `make test`: formatting, lints (server and WASM builds), unit + integration tests against a
# real Postgres (a fresh database per test), then browser tests and API fuzzing against the
# real server.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*" >&2; }

scripts/setup.sh --test

step "cargo fmt --check"
cargo fmt --all -- --check

# `cargo leptos build` compiles debug servers with `--cfg erase_components` (its default for
# debug builds). The same flags here let it reuse every crate `cargo test` compiled instead of
# rebuilding ~330 of them (measured on a clean clone: ~4 minutes of a CI run). cargo-leptos
# appends its flag to any RUSTFLAGS already set, and so does this.
host_flags="${RUSTFLAGS:+$RUSTFLAGS }--cfg erase_components"

step "clippy (server, ssr)"
RUSTFLAGS="$host_flags" cargo clippy -p app -p server -p bench --features app/ssr --all-targets -- -D warnings
step "clippy (browser, hydrate)"
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

if [ -z "${DATABASE_URL:-}" ]; then
  eval "$(scripts/pg.sh start test)"
  [ "$SWITCHBOARD_PG_STARTED" = 1 ] && trap 'scripts/pg.sh stop test' EXIT
fi
# Tests create (and drop) their own databases through this server.
export TEST_DATABASE_URL=${TEST_DATABASE_URL:-$DATABASE_URL}

step "unit and integration tests"
RUSTFLAGS="$host_flags" cargo test -p app -p server --features app/ssr

step "build the site"
cargo leptos build

step "browser tests"
scripts/e2e.sh

step "API fuzzing (schemathesis, from the OpenAPI document)"
scripts/fuzz.sh
