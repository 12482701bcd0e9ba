#!/usr/bin/env bash
# The whole test suite (npm test): Rust checks and tests, a fresh wasm build, the JS tests
# against that build, the Strapi end-to-end tests on each database, and the browser test.
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

say "Strapi end-to-end tests on SQLite (node --test, real Strapi)"
DB=sqlite node --test tests/e2e/

# The admin panel in Debian's Chromium (never a downloaded browser). The admin build is
# made first when missing. A newcomer without Chromium gets one line saying so; CI must run it.
if [ -x /usr/bin/chromium ]; then
  say "Browser test: the admin settings page in Chromium (screenshots in tests/artifacts/)"
  node --test tests/browser/
elif [ -n "${CI:-}" ]; then
  echo "test: /usr/bin/chromium is missing, and CI requires the browser test (apt-get install -y chromium)" >&2
  exit 1
else
  echo "SKIPPED: the browser test (no /usr/bin/chromium; apt-get install chromium to run it)"
fi

# The same suite on PostgreSQL and MariaDB, each test file on its own scratch database.
# A newcomer without the servers gets one line saying so; CI must run them.
for db in postgres mariadb; do
  if node tests/e2e/helpers/db-probe.js "$db"; then
    say "Strapi end-to-end tests on $db"
    DB="$db" node --test tests/e2e/
  elif [ -n "${CI:-}" ]; then
    echo "test: $db is not reachable on 127.0.0.1, and CI requires it" >&2
    exit 1
  else
    echo "SKIPPED: the $db end-to-end run (no $db server on 127.0.0.1; CI runs it)"
  fi
done
