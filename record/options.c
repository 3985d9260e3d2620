// SPDX-License-Identifier: GPL-2.0-only
#include "options.h"

#include "caprec_event.h"

#include <errno.h>
#include <inttypes.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char caprec_usage[] =
	"Usage: caprec [-v] [-K] [-U] [-x] [-p PID]... [--follow] [--cgroup PATH] [-o FILE|-]\n"
	"              [--force] [--print] [--duration SECONDS] [--max-size SIZE]\n"
	"              [--buffer-size SIZE] [--attach auto|tracepoint|fentry|kprobe]\n"
	"              [--trace-self] [--syscall-returns auto|on|off]\n"
	"              [--user-stack-bytes SIZE] [-- CMD ARGS...]\n"
	"       caprec --probe | --version\n"
	"       caprec prove [--user USER] [--caps SET|--from REC] [--form root|nonroot] -- CMD\n"
	"                    (a set proven by running CMD with it: caprec prove --help)\n"
	"Record the capability checks of the kernel (cap_capable()), live or to a recording.\n"
	"  -v                 include non-audit checks (default: audited checks only)\n"
	"  -K, -U             kernel / user stacks\n"
	"  -x                 extra columns: TID, SYSCALL, INSETID, USERNS\n"
	"  -p PID             trace this process (repeatable); --follow adds its descendants\n"
	"  --cgroup PATH      trace a cgroup v2 directory and the cgroups below it\n"
	"  -o FILE|-          write a new recording (mode 0600); --print also prints live\n"
	"  --force            -o may replace an existing regular file of your own\n"
	"  --duration SECONDS stop after this time\n"
	"  --max-size SIZE    rotate to FILE.1, FILE.2, ... past SIZE bytes (k, M, G suffixes)\n"
	"  --buffer-size SIZE ring buffer bytes (power of two, at least a page; default 4M)\n"
	"  --attach MODE      auto (default), tracepoint, fentry or kprobe\n"
	"  --user-stack-bytes SIZE  with -U: most user stack copied per check (up to the stack's\n"
	"                     top) to unwind code without frame pointers (multiple of 8, at\n"
	"                     most 32k; default 32k; 0 = frame pointers only)\n"
	"  --trace-self       also record caprec's own checks\n"
	"  --syscall-returns  record the return of each syscall that made a check: auto (default)\n"
	"                     = with -p or -- CMD, on = also host-wide, off = never\n"
	"  --probe            print what this kernel supports and which mode auto picks\n"
	"  --version          print caprec's version\n"
	"  -- CMD ARGS...     run CMD, trace it and its descendants, exit with its status\n";

enum {
	OPT_FOLLOW = 256,
	OPT_CGROUP,
	OPT_PRINT,
	OPT_DURATION,
	OPT_MAX_SIZE,
	OPT_BUFFER_SIZE,
	OPT_ATTACH,
	OPT_TRACE_SELF,
	OPT_PROBE,
	OPT_FORCE,
	OPT_USER_STACK_BYTES,
	OPT_SYSCALL_RETURNS,
	OPT_VERSION,
};

static const struct option long_options[] = {
	{ "verbose", no_argument, NULL, 'v' },
	{ "pid", required_argument, NULL, 'p' },
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "follow", no_argument, NULL, OPT_FOLLOW },
	{ "cgroup", required_argument, NULL, OPT_CGROUP },
	{ "print", no_argument, NULL, OPT_PRINT },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER_SIZE },
	{ "user-stack-bytes", required_argument, NULL, OPT_USER_STACK_BYTES },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "trace-self", no_argument, NULL, OPT_TRACE_SELF },
	{ "probe", no_argument, NULL, OPT_PROBE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "syscall-returns", required_argument, NULL, OPT_SYSCALL_RETURNS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int fail(char *errbuf, size_t errsize, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errsize, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int parse_size(const char *text, uint64_t *bytes)
{
	unsigned long long value;
	uint64_t unit = 1;
	char *end;

	if (!text || !*text || *text == '-')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || end == text)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		unit = 1ull << 10;
		end++;
		break;
	case 'm': case 'M':
		unit = 1ull << 20;
		end++;
		break;
	case 'g': case 'G':
		unit = 1ull << 30;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0' || value > UINT64_MAX / unit)
		return -EINVAL;
	*bytes = value * unit;
	return 0;
}

static int parse_pid(const char *text, uint32_t *pid)
{
	unsigned long value;
	char *end;

	errno = 0;
	value = strtoul(text, &end, 10);
	if (errno || end == text || *end || value == 0 || value > INT_MAX || *text == '-')
		return -EINVAL;
	*pid = (uint32_t)value;
	return 0;
}

const char *attach_mode_name(enum attach_mode mode)
{
	switch (mode) {
	case ATTACH_AUTO:
		return "auto";
	case ATTACH_TRACEPOINT:
		return "tracepoint";
	case ATTACH_FENTRY:
		return "fentry";
	case ATTACH_KPROBE:
		return "kprobe";
	}
	return "?";
}

static int parse_attach(const char *text, enum attach_mode *mode)
{
	enum attach_mode m;

	for (m = ATTACH_AUTO; m <= ATTACH_KPROBE; m++) {
		if (strcmp(text, attach_mode_name(m)) == 0) {
			*mode = m;
			return 0;
		}
	}
	return -EINVAL;
}

static bool is_power_of_two(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int check_consistency(struct caprec_options *opts, char *errbuf, size_t errsize)
{
	long page = sysconf(_SC_PAGESIZE);

	if (!is_power_of_two(opts->buffer_size) || opts->buffer_size < (uint64_t)page)
		return fail(errbuf, errsize,
			    "--buffer-size %llu: must be a power of two of at least %ld bytes",
			    (unsigned long long)opts->buffer_size, page);
	if (opts->buffer_size > (1ull << 30))
		return fail(errbuf, errsize, "--buffer-size: at most 1G");
	if (opts->print && !opts->output_path)
		return fail(errbuf, errsize, "--print needs -o (without -o caprec prints anyway)");
	if (opts->force && (!opts->output_path || strcmp(opts->output_path, "-") == 0))
		return fail(errbuf, errsize, "--force needs -o FILE");
	if (opts->max_size && !opts->output_path)
		return fail(errbuf, errsize, "--max-size needs -o FILE");
	if (opts->max_size && strcmp(opts->output_path, "-") == 0)
		return fail(errbuf, errsize, "--max-size cannot rotate standard output (-o -)");
	if (opts->max_size && opts->max_size < 4096)
		return fail(errbuf, errsize, "--max-size: at least 4k");
	if (opts->follow && opts->pid_count == 0 && !opts->command)
		return fail(errbuf, errsize, "--follow needs -p PID or -- CMD");
	if (opts->command && opts->pid_count)
		return fail(errbuf, errsize, "-p and -- CMD cannot be combined");
	if (opts->probe && (opts->command || opts->output_path || opts->pid_count))
		return fail(errbuf, errsize, "--probe takes no other options");
	if (opts->command)
		opts->follow = true; /* a command is traced with all its descendants */
	return 0;
}

int parse_options(int argc, char **argv, struct caprec_options *opts, char *errbuf,
		  size_t errsize)
{
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->buffer_size = CAPREC_DEFAULT_BUFFER_SIZE;
	opts->user_stack_bytes = CAPREC_DEFAULT_USER_STACK_BYTES;
	opts->attach = ATTACH_AUTO;
	/* '+': stop at the first non-option, so CMD's own options are left alone. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:vKUxp:o:h", long_options, NULL)) != -1) {
		switch (c) {
		case 'v':
			opts->verbose = true;
			break;
		case 'K':
			opts->kernel_stacks = true;
			break;
		case 'U':
			opts->user_stacks = true;
			break;
		case 'x':
			opts->extended = true;
			break;
		case 'h':
			opts->help = true;
			return 0;
		case OPT_VERSION:
			opts->version = true;
			return 0;
		case 'p':
			if (opts->pid_count == CAPREC_MAX_PIDS)
				return fail(errbuf, errsize, "-p: at most %d processes",
					    CAPREC_MAX_PIDS);
			if (parse_pid(optarg, &opts->pids[opts->pid_count]))
				return fail(errbuf, errsize, "-p %s: not a process id", optarg);
			opts->pid_count++;
			break;
		case 'o':
			if (!*optarg)
				return fail(errbuf, errsize, "-o: empty file name");
			opts->output_path = optarg;
			break;
		case OPT_FORCE:
			opts->force = true;
			break;
		case OPT_FOLLOW:
			opts->follow = true;
			break;
		case OPT_CGROUP:
			opts->cgroup_path = optarg;
			break;
		case OPT_PRINT:
			opts->print = true;
			break;
		case OPT_DURATION: {
			char *end;

			errno = 0;
			opts->duration_s = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(opts->duration_s > 0) ||
			    !isfinite(opts->duration_s) || opts->duration_s > 1e9)
				return fail(errbuf, errsize,
					    "--duration %s: not a positive number of seconds", optarg);
			break;
		}
		case OPT_MAX_SIZE:
			if (parse_size(optarg, &opts->max_size) || opts->max_size == 0)
				return fail(errbuf, errsize, "--max-size %s: not a size", optarg);
			break;
		case OPT_BUFFER_SIZE:
			if (parse_size(optarg, &opts->buffer_size))
				return fail(errbuf, errsize, "--buffer-size %s: not a size", optarg);
			break;
		case OPT_ATTACH:
			if (parse_attach(optarg, &opts->attach))
				return fail(errbuf, errsize,
					    "--attach %s: expected auto, tracepoint, fentry or kprobe",
					    optarg);
			break;
		case OPT_USER_STACK_BYTES:
			if (parse_size(optarg, &opts->user_stack_bytes) ||
			    opts->user_stack_bytes % 8 ||
			    opts->user_stack_bytes > CAPREC_USTACK_COPY_MAX)
				return fail(errbuf, errsize,
					    "--user-stack-bytes %s: not a multiple of 8 up to 32k", optarg);
			break;
		case OPT_TRACE_SELF:
			opts->trace_self = true;
			break;
		case OPT_SYSCALL_RETURNS:
			if (!strcmp(optarg, "auto"))
				opts->syscall_returns = SYSCALL_RETURNS_AUTO;
			else if (!strcmp(optarg, "on"))
				opts->syscall_returns = SYSCALL_RETURNS_ON;
			else if (!strcmp(optarg, "off"))
				opts->syscall_returns = SYSCALL_RETURNS_OFF;
			else
				return fail(errbuf, errsize,
					    "--syscall-returns: '%s' is not auto, on or off", optarg);
			break;
		case OPT_PROBE:
			opts->probe = true;
			break;
		case ':':
			return fail(errbuf, errsize, "%s: missing argument", argv[optind - 1]);
		default:
			if (optopt)
				return fail(errbuf, errsize, "-%c: unknown option", optopt);
			return fail(errbuf, errsize, "%s: unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc) {
		/* getopt consumed a "--" if there was one; anything left is the command. */
		if (strcmp(argv[optind - 1], "--") != 0)
			return fail(errbuf, errsize,
				    "%s: unexpected argument (a command goes after --)", argv[optind]);
		opts->command = &argv[optind];
	}
	return check_consistency(opts, errbuf, errsize);
}

void options_describe(char *buf, size_t size, const struct caprec_options *o)
{
	size_t used = 0;

	buf[0] = '\0';
#define ADD_OPT(cond, ...)                                                           \
	do {                                                                         \
		if ((cond) && used < size) {                                         \
			int n_ = snprintf(buf + used, size - used, "%s", used ? " " : ""); \
			used += (size_t)(n_ > 0 ? n_ : 0);                          \
			if (used < size) {                                           \
				n_ = snprintf(buf + used, size - used, __VA_ARGS__); \
				used += (size_t)(n_ > 0 ? n_ : 0);                  \
			}                                                            \
		}                                                                    \
	} while (0)
	ADD_OPT(o->verbose, "-v");
	ADD_OPT(o->kernel_stacks, "-K");
	ADD_OPT(o->user_stacks, "-U");
	ADD_OPT(o->extended, "-x");
	ADD_OPT(o->follow, "--follow");
	ADD_OPT(o->print, "--print");
	ADD_OPT(o->trace_self, "--trace-self");
	ADD_OPT(o->syscall_returns == SYSCALL_RETURNS_ON, "--syscall-returns on");
	ADD_OPT(o->syscall_returns == SYSCALL_RETURNS_OFF, "--syscall-returns off");
	ADD_OPT(o->duration_s > 0, "--duration %g", o->duration_s);
	ADD_OPT(o->max_size, "--max-size %" PRIu64, o->max_size);
	ADD_OPT(1, "--buffer-size %" PRIu64, o->buffer_size);
	ADD_OPT(1, "--attach %s", attach_mode_name(o->attach));
#undef ADD_OPT
}
