#!/bin/sh
# A large routing data set, loaded in seconds, and removed again: 100,000
# entries, 10,000 agents, 1,000 groups of 10 (make bench's "scale" runs;
# also for trying kfroute at that size by hand).
#
#   scripts/scale-data.sh load   [DATABASE]   (re)load the set
#   scripts/scale-data.sh remove [DATABASE]   remove it (and its counters)
#   scripts/scale-data.sh count  [DATABASE]   how many of its rows exist
#
# DATABASE defaults to kfroute. The client is $MYSQL when set, else the
# private stack's MariaDB (make run / make start; KFROUTE_VAR picks another
# stack's data directory, as make bench does with var/bench):
#
#   make start
#   scripts/scale-data.sh load
#   curl -s 'http://127.0.0.1:8080/api/contact?entry=scale-e000042'
#   scripts/scale-data.sh remove
#
# The workers see the set once their next version check finds it ([cache]
# staleness_ms, 1 s by default) and they have reloaded their snapshot.
# Against any other kfroute database (after scripts/migrate.sh):
#
#   MYSQL="mariadb -h db.example -u kfroute_owner -p" scripts/scale-data.sh load kf
#
# with an account that may insert into and delete from the kfroute tables
# and read the database (the numbers come from MariaDB's sequence engine,
# seq_1_to_N: MariaDB only, not MySQL).
#
# What is made (every id starts with "scale-", so nothing can collide with
# real or demo data as long as no one else uses that prefix; remove deletes
# every kfroute row whose id has it):
#
#   agents  scale-a00001 ... : 60% online, 20% busy, 20% offline (by the
#           last digit), capacity 3-10, some sessions open, a WeCom userid
#   groups  scale-g0001 ... : 10 agents each, in order (agents 1-10 are
#           group 1), so each group has 6 online, 2 busy, 2 offline
#   entries scale-e000001 ... : a page (60%), a web URL (20%) or a WeCom kf
#           account (20%); 2 designated agents
#           from the fallback group, which is group ((n-1) mod 1000) + 1;
#           each fallback strategy for a fifth, 5% strict, 10% with a rule
#           (level >= 3 to the group's last agent), across all three target
#           types (the type goes by n's last digit, the rest by the next
#           ones); scenes of 100 entries (scale-s0000 ...), never the
#           demo's "home"
#   WeCom   kf accounts scale-kf01 ... scale-kf10 and each WeCom entry's
#           stored contact link (as kfctl wecom sync-accounts makes them);
#           with SCALE_WECOM_LINKS=0 no links: their answers have no url
#
# Sizes: SCALE_ENTRIES (100000), SCALE_AGENTS (10000), SCALE_GROUPS (1000);
# SCALE_AGENTS must be a multiple of SCALE_GROUPS, at least 2 per group.
#
# load runs in one transaction: the workers see all of it or none.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cmd=${1:-}
db=${2:-kfroute}
ENTRIES=${SCALE_ENTRIES:-100000}
AGENTS=${SCALE_AGENTS:-10000}
NGROUPS=${SCALE_GROUPS:-1000}
LINKS=${SCALE_WECOM_LINKS:-1}

usage() {
	echo "usage: scripts/scale-data.sh load|remove|count [DATABASE]" >&2
	exit 2
}
case $cmd in load|remove|count) ;; *) usage ;; esac
case $db in ''|*[!A-Za-z0-9_]*) echo "scale-data: bad database name" >&2; exit 2 ;; esac
for v in "$ENTRIES" "$AGENTS" "$NGROUPS"; do
	case $v in ''|*[!0-9]*|0*)
		echo "scale-data: sizes are whole numbers above 0" >&2; exit 2 ;;
	esac
done
case $LINKS in 0|1) ;; *) echo "scale-data: SCALE_WECOM_LINKS is 0 or 1" >&2; exit 2 ;; esac
if [ "$ENTRIES" -gt 999999 ] || [ "$AGENTS" -gt 99999 ] ||
   [ "$NGROUPS" -gt 9999 ] || [ $((AGENTS % NGROUPS)) -ne 0 ] ||
   [ $((AGENTS / NGROUPS)) -lt 2 ]; then
	echo "scale-data: at most 999999 entries, 99999 agents, 9999 groups;" \
	    "agents a multiple of groups, at least 2 each" >&2
	exit 2
fi
SIZE=$((AGENTS / NGROUPS))	# agents per group

if [ -z "${MYSQL:-}" ]; then
	VAR=${KFROUTE_VAR:-$ROOT/var}
	if [ ! -S "$VAR/run/mysqld.sock" ]; then
		echo "scale-data: no MariaDB at $VAR/run/mysqld.sock (make start" \
		    "first, or set MYSQL)" >&2
		exit 1
	fi
	MYSQL="mariadb --no-defaults --default-character-set=utf8mb4 --socket=$VAR/run/mysqld.sock -u $(id -un)"
fi
sql() { $MYSQL "$db" "$@"; }

# Every row the set (or traffic to it) can leave behind. Deleting the
# entries cascades to their designated agents, rules and notices, the
# groups to their members; counters and live state have no foreign keys.
# A scale agent someone made designated or a member elsewhere (the admin
# page offers them) is taken out of that entry or group first.
REMOVE_SQL="
DELETE FROM kf_entry WHERE id LIKE 'scale-%';
DELETE FROM kf_entry_agent WHERE agent_id LIKE 'scale-%';
DELETE FROM kf_group_member WHERE agent_id LIKE 'scale-%';
DELETE FROM kf_wecom_link WHERE open_kfid LIKE 'scale-%';
DELETE FROM kf_wecom_account WHERE open_kfid LIKE 'scale-%';
DELETE FROM kf_group WHERE id LIKE 'scale-%';
DELETE FROM kf_agent WHERE id LIKE 'scale-%';
DELETE FROM kf_stat_minute WHERE entry_id LIKE 'scale-%';
DELETE FROM kf_stat_hour WHERE entry_id LIKE 'scale-%';
DELETE FROM kf_last_agent WHERE entry_id LIKE 'scale-%';
DELETE FROM kf_agent_activity WHERE agent_id LIKE 'scale-%';
"

# n -> ids, as SQL expressions.
agent_id() { echo "CONCAT('scale-a', LPAD($1, 5, '0'))"; }
group_id() { echo "CONCAT('scale-g', LPAD($1, 4, '0'))"; }
entry_id() { echo "CONCAT('scale-e', LPAD($1, 6, '0'))"; }
# Entry n's fallback group (1-based) and the k-th member (0-based) of group g.
entry_group="((seq - 1) MOD $NGROUPS + 1)"
member() { echo "(($1 - 1) * $SIZE + ($2) + 1)"; }
# Entry n's designated agents: members k and k+1 of its group, k moving
# with each round through the groups.
first_k="((seq - 1) DIV $NGROUPS MOD $SIZE)"

load() {
	sql <<SQL
SET SESSION foreign_key_checks = 1;
START TRANSACTION;
$REMOVE_SQL

INSERT INTO kf_agent (id, display_name, wecom_userid, status, status_source,
    capacity, active_sessions)
SELECT $(agent_id seq), CONCAT('规模坐席', LPAD(seq, 5, '0')),
    CONCAT('scale-u', LPAD(seq, 5, '0')),
    CASE WHEN seq MOD 10 < 6 THEN 'online'
         WHEN seq MOD 10 < 8 THEN 'busy' ELSE 'offline' END,
    'manual', 3 + seq MOD 8,
    CASE WHEN seq MOD 10 < 6 THEN seq MOD 4
         WHEN seq MOD 10 < 8 THEN 3 + seq MOD 8 ELSE 0 END
FROM seq_1_to_$AGENTS;

INSERT INTO kf_group (id, name)
SELECT $(group_id seq), CONCAT('规模组', LPAD(seq, 4, '0'))
FROM seq_1_to_$NGROUPS;

INSERT INTO kf_group_member (group_id, agent_id, position)
SELECT $(group_id "((seq - 1) DIV $SIZE + 1)"), $(agent_id seq),
    (seq - 1) MOD $SIZE
FROM seq_1_to_$AGENTS;

INSERT INTO kf_wecom_account (open_kfid, name)
SELECT CONCAT('scale-kf', LPAD(seq, 2, '0')), CONCAT('规模客服', seq)
FROM seq_1_to_10;

INSERT INTO kf_entry (id, label, scene, sort_order, target_type, target,
    policy, fallback_group_id, fallback_strategy)
SELECT $(entry_id seq), CONCAT('规模入口', LPAD(seq, 6, '0')),
    CONCAT('scale-s', LPAD((seq - 1) DIV 100, 4, '0')), seq,
    CASE WHEN seq MOD 10 < 6 THEN 'page'
         WHEN seq MOD 10 < 8 THEN 'url' ELSE 'wecom_kf' END,
    CASE WHEN seq MOD 10 < 6 THEN CONCAT('/pages/scale/', seq)
         WHEN seq MOD 10 < 8 THEN CONCAT('https://help.example.com/kf/', seq)
         ELSE CONCAT('scale-kf', LPAD(seq MOD 10 + 1, 2, '0')) END,
    IF(seq DIV 100 MOD 20 = 0, 'strict', 'overflow'),
    $(group_id "$entry_group"),
    ELT(seq DIV 10 MOD 5 + 1, 'ordered', 'round_robin', 'least_busy',
        'longest_idle', 'random')
FROM seq_1_to_$ENTRIES;

INSERT INTO kf_entry_agent (entry_id, agent_id, position)
SELECT $(entry_id seq), $(agent_id "$(member "$entry_group" "$first_k")"), 0
FROM seq_1_to_$ENTRIES
UNION ALL
SELECT $(entry_id seq),
    $(agent_id "$(member "$entry_group" "($first_k + 1) MOD $SIZE")"), 1
FROM seq_1_to_$ENTRIES;

INSERT INTO kf_rule (entry_id, priority, kind, level, target_type, target_id)
SELECT $(entry_id seq), 10, 'level_at_least', 3, 'agent',
    $(agent_id "$(member "$entry_group" "$SIZE - 1")")
FROM seq_1_to_$ENTRIES WHERE seq DIV 10 MOD 10 = 1;

INSERT INTO kf_wecom_link (open_kfid, scene, url)
SELECT target, id, CONCAT('https://work.weixin.qq.com/kfid/kfc', SUBSTRING(id, 7),
    '?enc_scene=', id)
FROM kf_entry WHERE $LINKS = 1 AND id LIKE 'scale-%' AND target_type = 'wecom_kf';
COMMIT;
SQL
}

count() {
	sql -N -B <<SQL
SELECT 'agents', COUNT(*) FROM kf_agent WHERE id LIKE 'scale-%'
UNION ALL SELECT 'groups', COUNT(*) FROM kf_group WHERE id LIKE 'scale-%'
UNION ALL SELECT 'group members', COUNT(*) FROM kf_group_member
    WHERE group_id LIKE 'scale-%'
UNION ALL SELECT 'entries', COUNT(*) FROM kf_entry WHERE id LIKE 'scale-%'
UNION ALL SELECT 'designated', COUNT(*) FROM kf_entry_agent
    WHERE entry_id LIKE 'scale-%'
UNION ALL SELECT 'rules', COUNT(*) FROM kf_rule WHERE entry_id LIKE 'scale-%'
UNION ALL SELECT 'wecom links', COUNT(*) FROM kf_wecom_link
    WHERE open_kfid LIKE 'scale-%';
SQL
}

t0=$(date +%s.%N)
took() { awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
case $cmd in
load)
	load
	what="$ENTRIES entries, $AGENTS agents, $NGROUPS groups"
	[ "$LINKS" = 0 ] || what="$what, WeCom links"
	echo "scale-data: loaded $what into $db in $(took) s" >&2 ;;
remove)
	printf 'START TRANSACTION;\n%s\nCOMMIT;\n' "$REMOVE_SQL" | sql
	echo "scale-data: removed the scale- rows from $db in $(took) s" >&2 ;;
count)
	count ;;
esac
