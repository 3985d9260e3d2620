// SPDX-License-Identifier: GPL-2.0-only
/*
 * sample_bind - binds a TCP socket to 127.0.0.1 port 80 (or the port given).
 *
 * Capabilities it must produce (one check, from sample_bind_privileged_port):
 *   cap      CAP_NET_BIND_SERVICE (10)
 *   syscall  bind (x86-64: 49)
 *   kernel   __sys_bind -> inet_bind -> __inet_bind -> ns_capable -> security_capable
 *            -> cap_capable
 *   audit    yes (not INSETID)
 *   verdict  root: granted; --uid 1000 or --drop cap_net_bind_service: denied (-EACCES to
 *            the program, the check itself returns -EPERM)
 * The check happens before the port is looked up, so a busy port 80
 * (-EADDRINUSE) still produces it. A port >= ip_unprivileged_port_start
 * produces no check at all.
 *
 * Usage: sample_bind [--uid UID] [--drop CAP]... [--wait] [PORT]
 */
#include "sample_common.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

SAMPLE_NOINLINE long sample_bind_privileged_port(int fd, const struct sockaddr_in *address)
{
	long result = raw_syscall4(SYS_bind, fd, address, sizeof(*address), 0);

	return sample_keep_frame(result);
}

int main(int argc, char **argv)
{
	struct sockaddr_in address = { .sin_family = AF_INET };
	struct sample_options opts;
	long port = 80, result;
	int fd, err;

	if (sample_parse_options(argc, argv, &opts))
		return 2;
	if (opts.argc > 0) {
		char *end;

		port = strtol(opts.argv[0], &end, 10);
		if (*end || end == opts.argv[0] || port < 1 || port > 65535) {
			fprintf(stderr, "sample_bind: bad port '%s'\n", opts.argv[0]);
			return 2;
		}
	}
	err = sample_apply_options(&opts);
	if (err) {
		fprintf(stderr, "sample_bind: cannot apply options: %s\n", strerror(-err));
		return 1;
	}
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		fprintf(stderr, "sample_bind: socket: %s\n", strerror(errno));
		return 1;
	}
	address.sin_port = htons((uint16_t)port);
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	result = sample_bind_privileged_port(fd, &address);
	sample_report("sample_bind_privileged_port", 10, "bind", SYS_bind, result);
	close(fd);
	return 0;
}
