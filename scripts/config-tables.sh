#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# README.md's tables of INI keys come from nbfwd's schema (one table in
# app/nbfwd/nbfwd_config.c): each sits between
#   <!-- nbfwd-config-table NAME -->  and  <!-- /nbfwd-config-table -->
# and is what `nbfwd-config-tables NAME` prints.
#
#   scripts/config-tables.sh TOOL README.md           check (exit 1 and a diff if not)
#   scripts/config-tables.sh TOOL README.md --update  rewrite the tables in place
# TOOL is build/app/nbfwd/nbfwd-config-tables.
set -euo pipefail

tool=${1:?usage: $0 TOOL README.md [--update]}
readme=${2:?usage: $0 TOOL README.md [--update]}
update=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# the README with every table replaced by what the tool prints
awk -v tool="$tool" '
	/^<!-- \/nbfwd-config-table -->$/ { inside = 0 }
	inside { next }
	{ print }
	/^<!-- nbfwd-config-table [a-z]+ -->$/ {
		cmd = tool " " $3
		rows = 0
		while ((cmd | getline line) > 0) { print line; rows++ }
		if (close(cmd) != 0 || rows == 0) { bad = 1; exit 1 }
		inside = 1
		n++
	}
	END { if (bad || inside) exit 1; if (n != 2) { print "tables found: " n > "/dev/stderr"; exit 1 } }
' "$readme" >"$tmp/README.md" || { echo "$0: cannot make the tables of $readme" >&2; exit 1; }

if [ "$update" = --update ]; then
	cat "$tmp/README.md" >"$readme"
	exit 0
fi
if ! diff -u "$readme" "$tmp/README.md"; then
	echo "$0: $readme's configuration tables differ from the schema (app/nbfwd/nbfwd_config.c);" \
		"run: scripts/config-tables.sh $tool $readme --update" >&2
	exit 1
fi
echo "$readme: configuration tables match the schema"
