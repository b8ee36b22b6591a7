#!/usr/bin/env bash
# Install what building (and, with --test, testing; with --bench, benchmarking) Switchboard
# needs and is missing.
# Idempotent: each step checks first. Works as root or as a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0 want_bench=0
[ "${1:-}" = "--test" ] && want_test=1
[ "${1:-}" = "--bench" ] && want_test=1 want_bench=1

CARGO_LEPTOS_VERSION=0.3.11
log() { echo "setup: $*" >&2; }
sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "installing $* from the OS packages"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

# Build tools from crates.io without their own release profile (cargo-leptos: fat LTO and one
# codegen unit, 21 minutes on 2 cores; 13 minutes like this). They orchestrate; speed is not theirs.
install_tool() {
  CARGO_PROFILE_RELEASE_LTO=off CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1 \
    cargo install "$@"
}

command -v cargo >/dev/null || { log "Rust is missing: install it with rustup (https://rustup.rs)"; exit 1; }

# The server links jemalloc, built from its C sources: a C compiler and make.
if ! command -v cc >/dev/null || ! command -v make >/dev/null; then
  apt_install build-essential
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  log "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes ~13 minutes, once)"
  # --ignore-rust-version: a locked dependency declares a newer Rust than it needs.
  install_tool cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --ignore-rust-version
fi

# wasm-bindgen's CLI must match the library version in Cargo.lock exactly.
wbg=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
  log "installing wasm-bindgen-cli $wbg"
  install_tool wasm-bindgen-cli --version "$wbg" --force
fi

command -v npm >/dev/null || apt_install nodejs npm
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing the npm tooling (tailwindcss, binaryen, playwright test runner)"
  # `npm install` (not `npm ci`): npm 11 leaves other platforms' optional packages out of the
  # lockfile, which `npm ci` then refuses. Versions stay pinned by package-lock.json.
  npm install --no-audit --no-fund --loglevel=error
fi

if [ "$want_test" = 1 ]; then
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    apt_install chromium chromium-driver
  fi
  command -v psql >/dev/null || apt_install postgresql-client
  # API fuzzing installs schemathesis into a virtualenv (scripts/fuzz.sh).
  command -v python3 >/dev/null || apt_install python3
  python3 -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
fi
# The capture-cost benchmark counts instructions with callgrind.
if [ "$want_bench" = 1 ]; then
  command -v valgrind >/dev/null || apt_install valgrind
fi
