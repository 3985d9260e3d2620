#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The real-program corpus of bench/run.sh's `paths` section: Debian's own
# binaries (no frame pointers, no .symtab), each making capability checks
# from its own code, run as root under `caprec -U -- sh bench/real_corpus.sh`.
# The share of their user stacks that reach the program's entry is the
# figure; su's stacks are the deep ones (pam modules, libaudit's buffers).
set -u
dir=$(mktemp -d /tmp/caprec-corpus.XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT

: >"$dir/file"
chown 65534:65534 "$dir/file"
chmod 0600 "$dir/file"
ip link set lo up
ip addr >/dev/null
# A copy, so the kernel checks CAP_NET_RAW for this binary and not a file-capable one.
cp /usr/bin/ping "$dir/ping"
"$dir/ping" -c 1 -W 1 127.0.0.1 >/dev/null
for i in 1 2 3; do
	su -s /bin/sh nobody -c true
done
# Binding a port below 1024: CAP_NET_BIND_SERVICE from the interpreter's socket code.
timeout 2 /usr/bin/python3 -m http.server 80 --bind 127.0.0.1 >/dev/null 2>&1
exit 0
