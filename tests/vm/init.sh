#!/bin/busybox sh
# /init of the test guest: a busybox shell that prepares the kernel's file systems, runs the
# in-guest driver and powers off. Everything the host learns comes from marker lines on the
# serial console ("@@CAPREC-VM ..."): the log around them holds firmware and kernel noise.
# Test parameters arrive as environment variables from unknown key=value words of the kernel
# command line (CAPREC_MODES=kprobe,fentry,auto).

/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
mkdir -p /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
# A nobody account: the workload drops to it to provoke denials, and caprec may name users.
echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>/etc/passwd
echo 'root:x:0:' >/etc/group
echo 'nogroup:x:65534:' >>/etc/group
hostname caprec-vm

echo "@@CAPREC-VM BOOTED $(uname -r) lockdown=$(cat /sys/kernel/security/lockdown 2>/dev/null)"
/bin/sh /vm/guest-driver.sh /tmp/results
echo "@@CAPREC-VM DONE $?"
sync
poweroff -f
