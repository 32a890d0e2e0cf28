#!/usr/bin/env bash
# Installs the CC0 country database LogSentinel's collector reads (ip-location-db's geo-whois-asn-country, MaxMind
# format) from the npm registry into DIR (default /var/lib/logsentinel/geoip), and prints the database's path.
# The repository never carries the database itself.
#   scripts/install-geoip.sh [DIR]
set -euo pipefail
dir="${1:-/var/lib/logsentinel/geoip}"
package="@ip-location-db/geo-whois-asn-country-mmdb"
mkdir -p "$dir"
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm >/dev/null; fi
fi
npm install --prefix "$dir/npm" --no-save --no-audit --no-fund --loglevel=error "$package" >/dev/null
cp "$dir/npm/node_modules/$package/geo-whois-asn-country.mmdb" "$dir/geo-whois-asn-country.mmdb.tmp"
mv "$dir/geo-whois-asn-country.mmdb.tmp" "$dir/geo-whois-asn-country.mmdb"
echo "$dir/geo-whois-asn-country.mmdb"
