#!/usr/bin/env bash
# The whole test suite (npm test): Rust checks and tests, a fresh wasm build, and the
# JS tests against that build.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\n== %s\n' "$*"; }

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

say "cargo doc (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

say "cargo test"
cargo test --workspace --locked

say "wasm build"
bash scripts/build-wasm.sh

say "JS tests (node --test): two-factor-wasm and the plugin's units"
node --test js-wrapper/test/ strapi-plugin/test/

say "Strapi end-to-end tests (node --test, real Strapi on SQLite)"
node --test tests/e2e/
