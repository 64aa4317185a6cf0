#!/usr/bin/env bash
# Runs every test: the domain core, and the worker suites on SQLite and PostgreSQL (and on SQL Server
# when VINCULO_TEST_SQLSERVER holds a connection string). Installs PostgreSQL from Debian's packages
# when it is absent, starts a throwaway cluster on a free loopback port for this run only, and stops
# and deletes it on exit, whatever happens.
set -euo pipefail
cd "$(dirname "$0")/.."

# The newest installed PostgreSQL (version-sorted: 15 after 9.6).
find_pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && printf '%s\n' "$d"
  done | sort -V | tail -n 1
}

PG_BIN="$(find_pg_bin)"
if [ -z "$PG_BIN" ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "PostgreSQL is not installed and this is not root: install Debian's 'postgresql' package first." >&2
    exit 1
  fi
  echo "Installing PostgreSQL from Debian's packages..."
  # Only the binaries are wanted: no system cluster left running on port 5432.
  mkdir -p /etc/postgresql-common/createcluster.d
  echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/vinculo-tests.conf
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  PG_BIN="$(find_pg_bin)"
  [ -n "$PG_BIN" ] || { echo "PostgreSQL was installed but no initdb was found under /usr/lib/postgresql." >&2; exit 1; }
fi

# initdb refuses root: as root, the cluster belongs to the 'postgres' user the package created.
if [ "$(id -u)" -eq 0 ]; then
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

PG_DIR="$(mktemp -d /tmp/vinculo-pg.XXXXXX)"
chmod 755 "$PG_DIR"
[ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PG_PORT=""
for _ in $(seq 1 50); do
  candidate=$((20000 + RANDOM % 30000))
  if port_is_free "$candidate"; then PG_PORT="$candidate"; break; fi
done
[ -n "$PG_PORT" ] || { echo "No free local port found for PostgreSQL." >&2; exit 1; }

stop_cluster() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
trap stop_cluster EXIT
# A signal ends the script through its EXIT trap, so the cluster never outlives the run.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
  start >/dev/null
echo "Throwaway PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT"

export VINCULO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=postgres"
export VINCULO_TEST_REQUIRE_POSTGRES=1

LOG="$(mktemp)"
set +e
dotnet test Worker.sln -c Release --nologo "$@" 2>&1 | tee "$LOG"
status=${PIPESTATUS[0]}
set -e

if ! grep -qE '(Passed|Failed)! +- +Failed:' "$LOG"; then
  echo "build failed or no test ran"
  rm -f "$LOG"
  [ "$status" -ne 0 ] && exit "$status" || exit 1
fi

# The fault harness's short form (README, "Faults"), on a full run only (no arguments such as a --filter): real worker
# processes killed, paused and restarted on a PostgreSQL cluster of its own and on a SQLite file, then SPEC section 10's
# invariants. It prints its seed; the same seed replays the same schedule of faults (VINCULO_FAULTS_SEED).
# VINCULO_FAULTS=off leaves it out (a quick local run).
faults_status=0
if [ "${VINCULO_FAULTS:-short}" != "off" ] && [ "$#" -eq 0 ] && [ "$status" -eq 0 ]; then
  set +e
  # Not a test project: dotnet test does not build it.
  dotnet build tests/Vinculo.Faults -c Release --nologo -v quiet 2>&1 | tee -a "$LOG" \
    && dotnet tests/Vinculo.Faults/bin/Release/net10.0/vinculo-faults.dll short --pg-bin "$PG_BIN" ${VINCULO_FAULTS_SEED:+--seed "$VINCULO_FAULTS_SEED"} 2>&1 | tee -a "$LOG"
  faults_status=${PIPESTATUS[0]}
  set -e
fi

# One closing line with the totals of every test assembly.
awk '
  /(Passed|Failed)! +- +Failed: +[0-9]+, +Passed: +[0-9]+, +Skipped: +[0-9]+/ {
    gsub(",", ""); for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i + 1); if ($i == "Passed:") p += $(i + 1); if ($i == "Skipped:") s += $(i + 1)
    }
  }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$LOG"
rm -f "$LOG"
[ "$faults_status" -ne 0 ] && echo "fault harness failed (exit $faults_status): an invariant did not hold (its seed is above), or it could not be built or run" && exit "$faults_status"
exit "$status"
