#!/usr/bin/env bash
# The fault suite: a private LogSentinel fleet on this machine, and faults injected while SSH brute forces are written
# to its servers' auth.log files. The fleet is the run's own: a RabbitMQ node (own node name, ports, cookie and epmd),
# a MariaDB instance (own data folder, port and socket), an SMTP server (aiosmtpd) and the indexer tests' Elasticsearch
# stand-in, then two collectors (web1, web2), two detector replicas (d1, d2), the AI analyzer, the notifier and the
# indexer as processes from the Release build. Nothing it stops or resets is shared with anything else on the machine.
#
# Scenarios: broker-restart, detector-kill, service-restarts, collector-kill, collector-first, smtp-outage,
# mariadb-outage (tests/LogSentinel.FaultSuite/FaultScenarios.cs). Each prints one line; the last line is
#   faults: N scenarios, lost=L duplicated_alerts=D duplicated_emails=E missed_alerts=M
# and the exit status is 0 only when all four are 0. The run folder (every process's log, each scenario's details)
# is printed and kept when anything failed.
#
# Usage: scripts/fault-suite.sh [--ci] [--scenario NAME]... [--keep] [--run-dir DIR] [--no-build]
#   --ci          the test project's sizes (10 addresses, 8 s outages) instead of the full ones (16 addresses, 30 s)
#   --scenario    run this scenario (repeatable, in the order given; default: all seven)
#   --keep        keep the run folder even when everything passed
#   --run-dir     where the run writes (default: a new folder under $TMPDIR or /tmp)
#   --no-build    use the existing Release build
# Needs what scripts/test.sh installs: rabbitmq-server, mariadb-server, python3-aiosmtpd, and the .NET SDK.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

final_line() { echo "faults: 0 scenarios, lost=0 duplicated_alerts=0 duplicated_emails=0 missed_alerts=0"; }
give_up() { echo "error: $*"; final_line; exit 1; }

build=1
run=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --run-dir) [ $# -ge 2 ] || give_up "--run-dir needs a folder"; run="$2"; shift ;;
    --ci|--keep) args+=("$1") ;;
    --scenario) [ $# -ge 2 ] || give_up "--scenario needs a name"; args+=("$1" "$2"); shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) give_up "unknown option $1 (see --help)" ;;
  esac
  shift
done

command -v dotnet >/dev/null 2>&1 || give_up "the .NET SDK is not on PATH"
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || command -v rabbitmq-server >/dev/null 2>&1 || give_up "rabbitmq-server is not installed"
command -v mariadb-install-db >/dev/null 2>&1 || give_up "mariadb-server is not installed (mariadb-install-db)"
{ [ -x /usr/sbin/mariadbd ] || command -v mariadbd >/dev/null 2>&1; } || give_up "mariadb-server is not installed (mariadbd)"
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || give_up "python3-aiosmtpd is not installed"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ -z "$run" ]; then
  run="$(mktemp -d "${TMPDIR:-/tmp}/logsentinel-faults.XXXXXX")" || give_up "cannot create a run folder"
fi
mkdir -p "$run" || give_up "cannot create $run"
run="$(cd "$run" && pwd)"

if [ "$build" -eq 1 ]; then
  echo "== building (log: $run/build.log)" >&2
  if ! dotnet build tests/LogSentinel.FaultSuite.Host/LogSentinel.FaultSuite.Host.csproj -c Release >"$run/build.log" 2>&1; then
    tail -n 20 "$run/build.log"
    give_up "the build failed; logs: $run"
  fi
fi
suite="tests/LogSentinel.FaultSuite.Host/bin/Release/net10.0/logsentinel-fault-suite.dll"
[ -f "$suite" ] || give_up "$suite is not built (run without --no-build)"

# The driver stops everything it started, also on SIGINT/SIGTERM. Should it die without doing so, end what the run's
# pids file lists and is still running with this run's folder on its command line (no other process is touched),
# and the run's own epmd.
driver=""
backstop() {
  if [ -n "$driver" ] && kill -0 "$driver" 2>/dev/null; then
    kill -TERM "$driver" 2>/dev/null
    wait "$driver" 2>/dev/null
  fi
  if [ -f "$run/pids" ]; then
    while read -r pid name; do
      if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$run"; then
        echo "stopping $name (pid $pid), left running" >&2
        kill -KILL "$pid" 2>/dev/null
      fi
    done <"$run/pids"
  fi
  if [ -f "$run/rabbitmq.node" ]; then
    read -r _ epmd_port _ <"$run/rabbitmq.node"
    if [ -n "${epmd_port:-}" ] && epmd -port "$epmd_port" -names >/dev/null 2>&1; then
      epmd -port "$epmd_port" -kill >/dev/null 2>&1
    fi
  fi
}
on_signal() { backstop; exit 130; }
trap backstop EXIT
trap on_signal INT TERM

dotnet "$suite" --run-dir "$run" ${args[@]+"${args[@]}"} &
driver=$!
wait "$driver"
status=$?
driver=""
# Normally nothing is left; after a crash, whatever the driver left ends before the last line is printed.
backstop
trap - EXIT
if [ "$status" -gt 1 ]; then
  echo "error: the suite's driver exited with status $status"
  echo "logs: $run"
  final_line
  exit 1
fi
exit "$status"
