#!/usr/bin/env bash
# import-bench.sh measures `journey import` of N generated lines (default
# 1,000,000 contacts, one line each) on SQLite and on Postgres.
#
#   scripts/import-bench.sh [N]
#
# It builds journey, writes a workspace and the lines to a temporary
# folder, makes each store empty by starting `journey run` on it once,
# then times the import with /usr/bin/time (wall clock, CPU, peak memory).
# Postgres is $JOURNEY_BENCH_POSTGRES (default: the local server, user
# postgres), in a schema import_bench made afresh.
set -euo pipefail

n=${1:-1000000}
pg=${JOURNEY_BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
root=$(cd "$(dirname "$0")/.." && pwd)

(cd "$root" && go build -o "$dir/journey" ./cmd/journey)

mkdir -p "$dir/ws"
cat > "$dir/ws/schema.journey" <<'JOURNEY'
contact {
  email:      string
  first_name: string?
  plan:       enum(free, pro)
  score:      int
}

event signed_up { plan: string }
JOURNEY

# One contact a line; every tenth is a pro.
awk -v n="$n" 'BEGIN {
  for (i = 0; i < n; i++) {
    plan = (i % 10 == 0) ? "pro" : "free"
    printf "{\"contact\": \"c%07d\", \"attributes\": {\"email\": \"c%07d@example.com\", \"first_name\": \"Ada\", \"plan\": \"%s\", \"score\": %d}}\n", i, i, plan, i % 100
  }
}' > "$dir/lines.jsonl"
echo "lines: $n, $(du -h "$dir/lines.jsonl" | cut -f1)"

# makestore DSN: journey run makes the store, and is stopped once it serves.
makestore() {
  "$dir/journey" run "$dir/ws" --db "$1" --listen 127.0.0.1:18765 --no-watch > "$dir/run.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    curl -sf http://127.0.0.1:18765/healthz > /dev/null && break
    sleep 0.2
  done
  kill "$pid"
  wait "$pid" || true
}

# bench NAME DSN: makes the store, then times the import into it.
bench() {
  makestore "$2"
  echo "== $1, load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" \
    "$dir/journey" import "$dir/lines.jsonl" --schema "$dir/ws" --db "$2"
}

bench SQLite "$dir/journey.db"
psql -q "$pg" -c "SET client_min_messages = warning; DROP SCHEMA IF EXISTS import_bench CASCADE; CREATE SCHEMA import_bench"
bench Postgres "$pg&search_path=import_bench"
psql -q "$pg" -c "SET client_min_messages = warning; DROP SCHEMA import_bench CASCADE"
