#!/bin/sh
# Apply sql/migrations/NNN_*.sql in order, each once.
#
#   MYSQL="mariadb --socket=... -u admin" scripts/migrate.sh DATABASE
#
# A migration is applied when its version is not in kf_schema_version, so
# one merged after a higher-numbered one (011 after 012) is still applied.
# Each file records its own version as its last statement and is itself
# idempotent, so a run cut short is safe to repeat.
set -eu
db=${1:?usage: migrate.sh DATABASE}
dir=$(cd "$(dirname "$0")/../sql/migrations" && pwd)
: "${MYSQL:?set MYSQL to the client command}"

# One version a line; none before 001 makes the table.
applied=$($MYSQL -N -B "$db" -e "SELECT version FROM kf_schema_version" \
	2>/dev/null || true)
for f in "$dir"/[0-9][0-9][0-9]_*.sql; do
	n=$(basename "$f" | cut -c1-3 | sed 's/^0*//')
	if printf '%s\n' "$applied" | grep -qx "$n"; then
		continue
	fi
	echo "migrate: applying $(basename "$f")" >&2
	$MYSQL "$db" < "$f"
done
