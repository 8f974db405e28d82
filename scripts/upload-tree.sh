#!/bin/sh
# The directory to upload for shared hosting (Apache, plain CGI, no root):
# the page with its .htaccess files, and cgi-bin/ with the three programs,
# their .htaccess and the JSON bodies of Apache's own errors. Nothing in it
# is secret; the config and its secret files stay outside the web root.
#
#   scripts/upload-tree.sh DEST [CONF]
#
# DEST must not exist yet. CONF, when given, is the config's path on the
# host: it replaces the placeholder of the SetEnv KFROUTE_CONF line in
# DEST/.htaccess (otherwise edit that line before uploading). Links are
# resolved: hosts that take uploads follow none. The programs are the ones
# built here (KFROUTE_FCGI_BIN, KFROUTE_WECOM_BIN, KFROUTE_ADMIN_BIN, or
# cgi-bin/*.fcgi): they must run on the host's system (README "Shared
# hosting").
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 DEST [CONF]" >&2
	exit 2
fi
DEST=$1
CONF=${2:-}
FCGI_BIN=${KFROUTE_FCGI_BIN:-$ROOT/cgi-bin/kfroute.fcgi}
WECOM_BIN=${KFROUTE_WECOM_BIN:-$ROOT/cgi-bin/kfwecom.fcgi}
ADMIN_BIN=${KFROUTE_ADMIN_BIN:-$ROOT/cgi-bin/kfadmin.fcgi}

if [ -e "$DEST" ]; then
	echo "upload-tree: $DEST exists; give a new directory" >&2
	exit 1
fi
for b in "$FCGI_BIN" "$WECOM_BIN" "$ADMIN_BIN"; do
	[ -x "$b" ] || { echo "upload-tree: $b not built (make)" >&2; exit 1; }
done
case $CONF in
''|/*) ;;
*) echo "upload-tree: CONF must be an absolute path" >&2; exit 2 ;;
esac

mkdir -p "$DEST/cgi-bin/errors"
# The page, dotfiles (.htaccess) included.
cp -RL "$ROOT/htdocs/." "$DEST/"
cp "$ROOT/cgi-bin/.htaccess" "$DEST/cgi-bin/.htaccess"
# Kept by their names: the rewrites and the .htaccess name kfroute.fcgi,
# kfwecom.fcgi and kfadmin.fcgi.
cp "$FCGI_BIN" "$DEST/cgi-bin/kfroute.fcgi"
cp "$WECOM_BIN" "$DEST/cgi-bin/kfwecom.fcgi"
cp "$ADMIN_BIN" "$DEST/cgi-bin/kfadmin.fcgi"
chmod 755 "$DEST/cgi-bin/"*.fcgi
cp "$ROOT"/conf/errors/kf-json-*.html "$DEST/cgi-bin/errors/"

if [ -n "$CONF" ]; then
	n=$(grep -c '^SetEnv KFROUTE_CONF ' "$DEST/.htaccess" || true)
	if [ "$n" != 1 ]; then
		echo "upload-tree: $DEST/.htaccess has $n SetEnv KFROUTE_CONF lines, not 1" >&2
		exit 1
	fi
	# The path as it is: | and & are no path characters we expect.
	# shellcheck disable=SC1003 # a backslash, not a quote
	case $CONF in *'|'*|*'&'*|*'\'*)
		echo "upload-tree: CONF holds | & or \\" >&2; exit 2 ;;
	esac
	sed "s|^SetEnv KFROUTE_CONF .*|SetEnv KFROUTE_CONF $CONF|" \
	    "$DEST/.htaccess" >"$DEST/.htaccess.new"
	mv "$DEST/.htaccess.new" "$DEST/.htaccess"
fi
echo "upload-tree: upload the contents of $DEST (dotfiles too) into" \
    "the web directory kfroute is to answer under" >&2
