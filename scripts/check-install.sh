#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Installs a build into a scratch DESTDIR and checks that every expected file is there and that
# each installed program prints "NAME VERSION" for --version. Run by `meson test` (suite install).
#
# Usage: scripts/check-install.sh BUILDDIR VERSION PATH...
#   PATH: an installed path under the prefix (/usr/local/bin/capanalyze); a program (bin/, sbin/)
#   is run with --version.
set -euo pipefail

if [ $# -lt 3 ]; then
	echo "usage: $0 BUILDDIR VERSION PATH..." >&2
	exit 2
fi
build=$1
version=$2
shift 2

destdir=$(mktemp -d "${TMPDIR:-/tmp}/caprec-install.XXXXXX")
trap 'rm -rf "$destdir"' EXIT

# --no-rebuild: `meson test` has built everything already, and a rebuild from inside a test
# would race the other tests.
if ! meson install -C "$build" --no-rebuild --destdir "$destdir" >"$destdir.log" 2>&1; then
	echo "check-install: meson install failed:" >&2
	tail -n 20 "$destdir.log" >&2
	rm -f "$destdir.log"
	exit 1
fi
rm -f "$destdir.log"

status=0
for path in "$@"; do
	installed=$destdir$path
	if [ ! -f "$installed" ]; then
		echo "check-install: $path: not installed" >&2
		status=1
		continue
	fi
	case $path in
	*/bin/* | */sbin/*)
		name=$(basename "$path")
		if [ ! -x "$installed" ]; then
			echo "check-install: $path: not executable" >&2
			status=1
			continue
		fi
		out=$("$installed" --version 2>&1) || {
			echo "check-install: $path --version: exit status $?: $out" >&2
			status=1
			continue
		}
		if [ "$out" != "$name $version" ]; then
			echo "check-install: $path --version: printed '$out', expected '$name $version'" >&2
			status=1
			continue
		fi
		;;
	esac
	echo "check-install: $path ok"
done
exit $status
