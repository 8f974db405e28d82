#!/bin/sh
# Apply sql/migrations/NNN_*.sql in order, each once.
#
#   MYSQL="mariadb --socket=... -u admin" scripts/migrate.sh DATABASE
#
# A migration is applied when its number is above the highest version in
# kf_schema_version; each file records its own version as its last
# statement and is itself idempotent, so a run cut short is safe to repeat.
set -eu
db=${1:?usage: migrate.sh DATABASE}
dir=$(cd "$(dirname "$0")/../sql/migrations" && pwd)
: "${MYSQL:?set MYSQL to the client command}"

current=$($MYSQL -N -B "$db" -e \
	"SELECT COALESCE(MAX(version), 0) FROM kf_schema_version" 2>/dev/null ||
	echo 0)
for f in "$dir"/[0-9][0-9][0-9]_*.sql; do
	n=$(basename "$f" | cut -c1-3 | sed 's/^0*//')
	[ "$n" -gt "$current" ] || continue
	echo "migrate: applying $(basename "$f")" >&2
	$MYSQL "$db" < "$f"
done
