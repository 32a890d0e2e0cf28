#!/usr/bin/env bash
# Measures `logsentinel-collector parse` side by side with fail2ban-regex and grep on the same generated
# auth.log, on this machine, in one run; prints a Markdown table (README, Performance).
#   scripts/bench-parse.sh [LINES]        default 1000000 lines, generator seed 1
# Needs ../shared/bench/gen_authlog.py; installs fail2ban, hyperfine and time from Debian when missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
lines="${1:-1000000}"
work="$(mktemp -d "${TMPDIR:-/tmp}/logsentinel-bench.XXXXXX")"
log="$work/auth.log"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
for p in fail2ban hyperfine time; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

python3 "$root/../shared/bench/gen_authlog.py" --lines "$lines" --seed 1 --out "$log" >/dev/null
dotnet publish "$root/services/collector/LogSentinel.Collector.Host" -c Release -o "$work/collector" >/dev/null
collector="$work/collector/logsentinel-collector"
year="$(date -r "$log" +%Y)"

# Wall time: mean of 10 runs after 2 warm-ups. grep writes to a pipe: GNU grep stops at its first match when
# its output is /dev/null, which would not read the file.
hyperfine -N -w 2 -r 10 --export-json "$work/parse.json" --output=null "$collector parse --year $year $log" >/dev/null
hyperfine -N -w 2 -r 10 --export-json "$work/grep.json" --output=pipe "grep -c 'Failed password' $log" >/dev/null
mean() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['mean'])" "$1"; }
parse_s="$(mean "$work/parse.json")"
grep_s="$(mean "$work/grep.json")"
parse_rss="$( (/usr/bin/time -f '%M' "$collector" parse --year "$year" "$log" >/dev/null 2>"$work/parse.err"; tail -n 1 "$work/parse.err") )"
f2b_start="$(date +%s.%N)"
/usr/bin/time -f '%M' -o "$work/f2b.rss" fail2ban-regex "$log" /etc/fail2ban/filter.d/sshd.conf >"$work/f2b.out" 2>&1
f2b_s="$(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$f2b_start" "$(date +%s.%N)")"
f2b_rss="$(tail -n 1 "$work/f2b.rss")"

python3 - "$lines" "$parse_s" "$parse_rss" "$grep_s" "$f2b_s" "$f2b_rss" <<'PY'
import sys
n, ps, prss, gs, fs, frss = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
print(f"{n:,} lines from gen_authlog.py --seed 1, all on the same file in one run")
print("| command | wall time | lines/s | peak RSS |")
print("| --- | --- | --- | --- |")
print(f"| `logsentinel-collector parse` to /dev/null | {ps:.3f} s | {n/ps:,.0f} | {prss/1024:.0f} MB |")
print(f"| `fail2ban-regex FILE sshd.conf` | {fs:.1f} s | {n/fs:,.0f} | {frss/1024:.0f} MB |")
print(f"| `grep -c 'Failed password' FILE` | {gs:.3f} s | {n/gs:,.0f} | |")
print(f"parse vs fail2ban-regex: {fs/ps:.0f}x the lines/s (target >= 100x); parse vs grep -c: {ps/gs:.1f}x the time (target <= 8x); peak RSS {prss/1024:.0f} MB (target <= 64 MB)")
PY
rm -rf "$work"
