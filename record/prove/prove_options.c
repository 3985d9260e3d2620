// SPDX-License-Identifier: GPL-2.0-only
#include "prove_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char prove_usage[] =
	"Usage: caprec prove [--user USER] [--from REC [--exe GLOB] | --caps SET]\n"
	"                    [--form root|nonroot] [--compare-output] [--minimize]\n"
	"                    [--max-runs N] [--timeout SECONDS] [--keep DIR] -- CMD ARGS...\n"
	"Proves a capability set: runs CMD as root with every capability (the reference),\n"
	"then in the chosen form with exactly the set, records both and compares them.\n"
	"  --form nonroot     (default) as USER, the set in permitted, inheritable,\n"
	"                     effective and ambient (systemd User= + AmbientCapabilities=)\n"
	"  --form root        uid 0, bounding set = the set (docker --cap-drop=ALL --cap-add)\n"
	"  --user USER        the user of the nonroot form (name or uid)\n"
	"  --caps SET         the set: cap_net_raw,chown,... or none\n"
	"  --from REC         the set `capanalyze policy REC --form FORM` derives;\n"
	"                     without --caps and --from: the reference run's own policy\n"
	"  --exe GLOB         with --from: only these executables' sets (default: all)\n"
	"  --compare-output   the command's standard output must match too\n"
	"  --minimize         add denied capabilities until the run matches, then drop each\n"
	"                     one whose absence changes nothing; print the proven set\n"
	"  --max-runs N       at most N recorded runs, the reference included (default 24)\n"
	"  --timeout SECONDS  stop a run after this time (default 60, 0 = never)\n"
	"  --keep DIR         keep each run's recording and output in DIR\n"
	"Exit status: 0 the set is proven, 1 the constrained run differs (or no set was\n"
	"found), 2 usage or the run could not be recorded or analysed.\n";

enum {
	OPT_USER = 256,
	OPT_FROM,
	OPT_EXE,
	OPT_CAPS,
	OPT_FORM,
	OPT_COMPARE_OUTPUT,
	OPT_MINIMIZE,
	OPT_MAX_RUNS,
	OPT_TIMEOUT,
	OPT_KEEP,
	OPT_INTERNAL_APPLY,
};

static const struct option long_options[] = {
	{ "user", required_argument, NULL, OPT_USER },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "exe", required_argument, NULL, OPT_EXE },
	{ "caps", required_argument, NULL, OPT_CAPS },
	{ "form", required_argument, NULL, OPT_FORM },
	{ "compare-output", no_argument, NULL, OPT_COMPARE_OUTPUT },
	{ "minimize", no_argument, NULL, OPT_MINIMIZE },
	{ "max-runs", required_argument, NULL, OPT_MAX_RUNS },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "keep", required_argument, NULL, OPT_KEEP },
	{ "internal-apply", required_argument, NULL, OPT_INTERNAL_APPLY },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int prove_parse_options(int argc, char **argv, struct prove_options *opts, char *errbuf,
			size_t errsize)
{
	char *end;
	int c;

	memset(opts, 0, sizeof(*opts));
	opts->max_runs = PROVE_DEFAULT_MAX_RUNS;
	opts->timeout_s = PROVE_DEFAULT_TIMEOUT_S;
	optind = 1;
	opterr = 0;
	/* '+': stop at the first non-option, so CMD's own options stay CMD's. */
	while ((c = getopt_long(argc, argv, "+h", long_options, NULL)) != -1) {
		switch (c) {
		case OPT_USER:
			opts->user = optarg;
			break;
		case OPT_FROM:
			opts->from = optarg;
			break;
		case OPT_EXE:
			opts->exe_glob = optarg;
			break;
		case OPT_CAPS:
			opts->caps = optarg;
			break;
		case OPT_FORM:
			if (strcmp(optarg, "root") == 0) {
				opts->form = PROVE_FORM_ROOT;
			} else if (strcmp(optarg, "nonroot") == 0) {
				opts->form = PROVE_FORM_NONROOT;
			} else {
				snprintf(errbuf, errsize, "--form: '%s': expected root or nonroot",
					 optarg);
				return -EINVAL;
			}
			break;
		case OPT_COMPARE_OUTPUT:
			opts->compare_output = true;
			break;
		case OPT_MINIMIZE:
			opts->minimize = true;
			break;
		case OPT_MAX_RUNS: {
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' || n < 2 || n > 1000) {
				snprintf(errbuf, errsize, "--max-runs: '%s': expected 2..1000 "
					 "(the reference and at least one constrained run)", optarg);
				return -EINVAL;
			}
			opts->max_runs = (unsigned)n;
			break;
		}
		case OPT_TIMEOUT:
			errno = 0;
			opts->timeout_s = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(opts->timeout_s >= 0) ||
			    opts->timeout_s > 86400) {
				snprintf(errbuf, errsize, "--timeout: '%s': expected seconds, 0..86400",
					 optarg);
				return -EINVAL;
			}
			break;
		case OPT_KEEP:
			opts->keep_dir = optarg;
			break;
		case OPT_INTERNAL_APPLY:
			opts->apply_spec = optarg;
			break;
		case 'h':
			opts->help = true;
			return 0;
		default:
			snprintf(errbuf, errsize, "prove: unknown option or missing value: %s",
				 argv[optind - 1]);
			return -EINVAL;
		}
	}
	if (optind < argc)
		opts->command = &argv[optind];
	if (argc - optind > PROVE_MAX_COMMAND_ARGS) {
		snprintf(errbuf, errsize, "prove: the command has %d arguments, at most %d",
			 argc - optind, PROVE_MAX_COMMAND_ARGS);
		return -EINVAL;
	}
	if (opts->apply_spec) {
		if (!opts->command) {
			snprintf(errbuf, errsize, "--internal-apply: no command");
			return -EINVAL;
		}
		return 0;
	}
	if (!opts->command) {
		snprintf(errbuf, errsize, "prove: no command (give it after --)");
		return -EINVAL;
	}
	if (opts->from && opts->caps) {
		snprintf(errbuf, errsize, "prove: --from and --caps both give the set: use one");
		return -EINVAL;
	}
	if (opts->exe_glob && !opts->from) {
		snprintf(errbuf, errsize, "prove: --exe selects executables of --from's recording");
		return -EINVAL;
	}
	if (opts->form == PROVE_FORM_NONROOT && !opts->user) {
		snprintf(errbuf, errsize, "prove: the nonroot form needs --user USER");
		return -EINVAL;
	}
	return 0;
}
