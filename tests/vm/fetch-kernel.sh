#!/bin/bash
# Prints the path of a cached vmlinuz for the newest Debian cloud kernel of one series,
# downloading its package with apt on first use. Only vmlinuz is extracted: the guest needs
# no modules (serial console, initramfs support and BTF are built into the cloud kernels),
# and the package is never installed on the host.
#
# usage: fetch-kernel.sh SERIES        SERIES is 6.1 or 6.12 (any a.b with a cloud package)
# env:   CAPREC_VM_CACHE  cache directory (default ~/.cache/caprec-vm)
# exit:  0 and the path on stdout; 77 when no such package can be resolved or downloaded
#        (no apt sources, no network): the caller reports a skip with our stderr as reason.
set -euo pipefail

series=${1:?usage: fetch-kernel.sh SERIES}
cache=${CAPREC_VM_CACHE:-$HOME/.cache/caprec-vm}
mkdir -p "$cache"

# Names carry the point release (linux-image-6.1.0-57-cloud-amd64-unsigned,
# linux-image-6.12.117+deb12-cloud-amd64-unsigned) and old ones leave the archive: resolve
# the newest name now instead of pinning one.
pattern="^linux-image-${series//./\\.}\.[0-9]+(-[0-9]+)?(\+deb[0-9]+)?-cloud-amd64-unsigned\$"
names=$(apt-cache search --names-only "$pattern" 2>/dev/null | cut -d' ' -f1 || true)
if [ -z "$names" ]; then
	# The package lists may be missing on a fresh machine: refresh once.
	apt-get update -qq >/dev/null 2>&1 || true
	names=$(apt-cache search --names-only "$pattern" 2>/dev/null | cut -d' ' -f1 || true)
fi
package=$(printf '%s\n' "$names" | sort -V | tail -n 1)
if [ -z "$package" ]; then
	echo "fetch-kernel: no package matches $pattern in apt's lists" >&2
	exit 77
fi

version=${package#linux-image-}
version=${version%-unsigned}
vmlinuz="$cache/vmlinuz-$version"
if [ -s "$vmlinuz" ]; then
	echo "$vmlinuz"
	exit 0
fi

work=$(mktemp -d "$cache/fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && apt-get download -qq "$package" >/dev/null 2>"$work/apt.err"); then
	echo "fetch-kernel: apt-get download $package failed: $(tail -n 1 "$work/apt.err")" >&2
	exit 77
fi
dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -C "$work" ./boot
if [ ! -s "$work/boot/vmlinuz-$version" ]; then
	echo "fetch-kernel: $package holds no boot/vmlinuz-$version" >&2
	exit 1
fi
# Rename into place last so that an interrupted download never leaves a truncated kernel.
mv "$work/boot/vmlinuz-$version" "$vmlinuz.tmp"
mv "$vmlinuz.tmp" "$vmlinuz"
echo "$vmlinuz"
