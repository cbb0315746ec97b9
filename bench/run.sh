#!/usr/bin/env bash
# npm run bench [name…]: the load generator runs on core 1 (servers pin themselves to core 0).
cd "$(dirname "$0")/.."
if taskset -c 1 true 2>/dev/null; then exec taskset -c 1 npx tsx bench/index.ts "$@"; fi
exec npx tsx bench/index.ts "$@"
