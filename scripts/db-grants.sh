#!/bin/sh
# Give the three kfroute database accounts exactly their rights
# (sql/grants.sql), after the migrations:
#
#   MYSQL="mariadb -u root" scripts/db-grants.sh DATABASE PUBLIC WECOM ADMIN
#
# PUBLIC, WECOM and ADMIN are accounts as 'user'@'host' (quotes included);
# they must exist. Safe to run again: each account's old rights go first.
set -eu
db=${1:?usage: db-grants.sh DATABASE PUBLIC WECOM ADMIN}
pub=${2:?public account}
wecom=${3:?wecom account}
admin=${4:?admin account}
: "${MYSQL:?set MYSQL to the client command}"
case $db in *[!A-Za-z0-9_]*) echo "db-grants: bad database name" >&2; exit 2 ;; esac
for a in "$pub" "$wecom" "$admin"; do
	case $a in
	\'*\'@\'*\') ;;
	*) echo "db-grants: accounts look like 'user'@'host': $a" >&2; exit 2 ;;
	esac
done
sql=$(dirname "$0")/../sql/grants.sql
# The accounts may not have had any rights yet: REVOKE would fail on them.
{
	printf "GRANT USAGE ON *.* TO %s;\n" "$pub" "$wecom" "$admin"
	sed -e "s/@DB@/\`$db\`/g" -e "s/@PUBLIC@/$pub/g" -e "s/@WECOM@/$wecom/g" \
	    -e "s/@ADMIN@/$admin/g" "$sql"
} | $MYSQL
