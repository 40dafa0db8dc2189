/*
 * cmd_collect.c - the 'collect' command: read tenants (read-only) and write
 * their snapshots. One tenant: -o names the file (or an existing directory).
 * Several tenants: -o names a directory (created if missing) that receives
 * one <tenant>.json per tenant.
 */
#include "cli/cmd.h"
#include "core/collect.h"
#include "base/display.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char usage[] =
	"usage: aliasaudit collect [-c FILE] [-t TENANT]... -o OUT [-j N] [--trace FILE]\n"
	"\n"
	"Read the tenants of a configuration (read-only) and write their snapshots.\n"
	"\n"
	"  -c, --config FILE   the configuration (default: $XDG_CONFIG_HOME/aliasaudit/config.ini,\n"
	"                      else the AZURE_* environment variables)\n"
	"  -t, --tenant NAME   collect this tenant (repeatable; default: all of them)\n"
	"  -o, --output OUT    one tenant: the snapshot file (or an existing directory);\n"
	"                      several tenants: a directory (created if missing) that\n"
	"                      receives one NAME.json per tenant\n"
	"  -j, --jobs N        parallel HTTP requests per tenant (default: config\n"
	"                      'concurrency', else 8), and up to max(4, N) tenants\n"
	"                      read at once\n"
"      --trace FILE    write the collection's timeline (one event per HTTP request,\n"
"                      one per round of requests) as Chrome trace-event JSON\n"
	"\n"
	"Exit: 0 complete, 2 usage/config/credential error, 3 some objects could not be\n"
	"read (the snapshot says which and has \"complete\": false).\n";

/* is_dir - path names an existing directory */
static bool is_dir(const char *path)
{
	struct stat st;
	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* cmd_collect - see cmd.h */
int cmd_collect(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "tenant", required_argument, NULL, 't' },
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "trace", required_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cfgpath = NULL, *outpath = NULL;
	const char **names = NULL;
	size_t nr_names = 0, alloc_names = 0, nr_snaps = 0;
	struct run_options opt = { .concurrency = 0, .progress = true };
	struct config cfg;
	struct snapshot **snaps = NULL;
	char *err = NULL;
	int c, rc, ret = EXIT_USAGE;
	bool cfg_loaded = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, "c:t:o:j:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cfgpath = optarg;
			break;
		case 't':
			ALLOC_GROW(names, nr_names + 1, alloc_names);
			names[nr_names++] = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'j':
			if (cmd_jobs("collect", optarg, &opt.concurrency)) {
				free(names);
				return EXIT_USAGE;
			}
			break;
		case 'T':
			opt.trace = optarg;
			break;
		case 'h':
			free(names);
			return cmd_exit(cmd_help(usage));
		default:
			free(names);
			return usage_error("collect", "unknown option");
		}
	}
	if (optind < argc) {
		free(names);
		return usage_error("collect", "unexpected argument '%s'", argv[optind]);
	}
	if (!outpath) {
		free(names);
		return usage_error("collect", "-o OUT is required");
	}

	if (load_config_for(cfgpath, &cfg, &err) < 0) {
		error("%s", err);
		goto out;
	}
	cfg_loaded = true;
	rc = collect_tenants(&cfg, names, nr_names, &opt, &snaps, &nr_snaps, &err);
	if (rc < 0) {
		error("%s", err);
		goto out;
	}

	if (nr_snaps > 1 && !is_dir(outpath) && mkdir(outpath, 0700) && errno != EEXIST) {
		error("%s: cannot create directory: %s", outpath, strerror(errno));
		goto out;
	}
	ret = rc > 0 ? EXIT_INCOMPLETE : EXIT_CLEAN;
	for (size_t i = 0; i < nr_snaps; i++) {
		char *path = nr_snaps > 1 || is_dir(outpath)
			? xstrfmt("%s/%s.json", outpath, snaps[i]->tenant)
			: xstrdup(outpath);
		char *werr = NULL;
		if (snapshot_write_file(snaps[i], path, &werr) < 0) {
			error("%s", werr);
			free(werr);
			ret = EXIT_USAGE;
		}
		if (!snaps[i]->complete) {
			warning("%s: incomplete, %zu object(s) could not be read:", snaps[i]->tenant,
				snaps[i]->nr_errors);
			for (size_t k = 0; k < snaps[i]->nr_errors; k++) {
				/* server answers: shown, never obeyed */
				char *o = display_safe(snaps[i]->errors[k].object);
				char *m = display_safe(snaps[i]->errors[k].message);
				fprintf(stderr, "  %s: %s\n", o, m);
				free(o);
				free(m);
			}
		}
		free(path);
	}
out:
	for (size_t i = 0; i < nr_snaps; i++)
		snapshot_free(snaps[i]);
	free(snaps);
	free(err);
	free(names);
	if (cfg_loaded)
		config_release(&cfg);
	return ret;
}
