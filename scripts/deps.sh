#!/bin/sh
# Install the Debian packages kfroute needs to build, run and test, and nothing
# else. Idempotent: when every package is present it only asks dpkg and exits.
#
#   scripts/deps.sh          build + run + test dependencies
#   scripts/deps.sh bench    also wrk, for `make bench`
#   scripts/deps.sh vectors  also python3-cryptography, for `make vectors`
#
# Runs apt-get as root, or through sudo when started by another user.
set -eu

# package            job
PKGS="
build-essential      compiler and make
pkg-config           build flags for the libraries below
libfcgi-dev          FastCGI transport (libfcgi)
libjson-c-dev        JSON parsing (json-c)
libmariadb-dev       MySQL Connector/C API (mariadb_config)
libcurl4-openssl-dev HTTPS client for the WeCom helper
mariadb-server       the private database of make run / make test
mariadb-client       migrations and test fixtures (mariadb CLI)
lighttpd             the web server in front of the FastCGI programs
apache2              the Apache setups' tests (private instances, never the service)
libapache2-mod-fcgid Apache starting the FastCGI programs itself (mod_fcgid)
spawn-fcgi           the programs on unix sockets for Apache's mod_proxy_fcgi
libcmocka-dev        C unit tests
tzdata               time zones for business hours (Asia/Shanghai...)
libssl-dev           HMAC-SHA256 for customer tokens (libcrypto)
openssl              test CA and certificates for the fake WeCom server
libsodium-dev        Argon2id password hashes and session ids (admin page)
libqrencode-dev      QR codes of the entries' /go/ links (admin page)
clang                compiler of the fuzz harnesses (make fuzz, fuzz-smoke)
libclang-rt-14-dev   libFuzzer and the sanitizer runtimes clang links them with
chromium             headless browser for the admin page tests
fonts-wqy-microhei   Chinese glyphs in the browser tests' screenshots
"
[ "${1:-}" = bench ] && PKGS="$PKGS
wrk                  HTTP load generator for make bench
curl                 make bench's single requests (readiness, first answer)
procps               pgrep: make bench finds the FastCGI workers for their RSS
"
[ "${1:-}" = vectors ] && PKGS="$PKGS
python3-cryptography independent WeCom crypto vectors for make vectors
"

missing=""
for p in $(printf '%s\n' "$PKGS" | awk 'NF { print $1 }'); do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
# Node.js runs the HTTP and browser tests; any node >= 18 on PATH will do
# (it may come from elsewhere than Debian), otherwise Debian's nodejs.
if ! command -v node >/dev/null 2>&1 ||
   [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -lt 18 ]; then
	missing="$missing nodejs"
fi

if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	echo "deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -q
	# shellcheck disable=SC2086 # word splitting of the package list is intended
	$SUDO apt-get install -y -q --no-install-recommends $missing
fi

# The browser tests' driver, pinned by package-lock.json (test-only: the
# page itself has no build step and no dependencies).
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$ROOT/node_modules/playwright-core/package.json" ]; then
	echo "deps: npm ci (playwright-core for the browser tests)" >&2
	(cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
fi
