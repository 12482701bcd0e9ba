#!/usr/bin/env bash
# One command on a fresh machine: installs the toolchain pieces, the npm packages and
# builds the wasm, then runs the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
# cargo install puts wasm-bindgen here; a fresh login shell may not have it on PATH yet.
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n== %s\n' "$*"; }

for tool in cargo rustup node npm; do
  command -v "$tool" >/dev/null || { echo "setup: '$tool' is required and not on PATH" >&2; exit 1; }
done
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' \
  || { echo "setup: Node.js 20 or newer is required (found $(node --version))" >&2; exit 1; }

say "Rust target wasm32-unknown-unknown"
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "already installed"
else
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must be exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
say "wasm-bindgen-cli $want"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" = "$want" ]; then
  echo "already on PATH"
else
  echo "installing (about 7 minutes on 2 cores; found '${have:-none}')"
  # Without --locked: the crates index here can lag behind the CLI's own lock file.
  cargo install wasm-bindgen-cli --version "$want"
fi

say "npm packages"
npm ci --no-audit --no-fund

say "build the wasm"
bash scripts/build-wasm.sh

say "demo"
npm run --silent demo
