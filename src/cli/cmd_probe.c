/*
 * cmd_probe.c - `aliasaudit probe ADDRESS... --server HOST[:PORT] | --mx`:
 * the article's manual proof step (swaks --to sales@... --server mx...)
 * without sending a message: RCPT TO per address, never DATA. With
 * --snapshot or -c it says, per address, whether the server's answer
 * matches what the audit predicted.
 */
#include "cli/cmd.h"
#include "cli/snapshots.h"
#include "cli/probe.h"
#include "core/graph.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
"usage: aliasaudit probe ADDRESS... (--server HOST[:PORT] | --mx [--resolver IP[:PORT]]\n"
"                        [--port N]) [--from ADDR]\n"
"                        [--snapshot FILE]... [-c FILE [-t TENANT]...] [-f text|json]\n"
"                        [--max-rcpt N] [--pause SECONDS] [--timeout SECONDS]\n"
"                        [--require-tls] [--ca-file FILE] [--helo NAME]\n"
"\n"
"Asks a mail server whether it accepts each address: EHLO, STARTTLS when\n"
"offered (the certificate is verified; a failed STARTTLS stops the probe),\n"
"MAIL FROM:<> (or --from), one RCPT TO per address, QUIT. Never DATA: no\n"
"message is sent. With --snapshot or -c, says whether each answer matches the\n"
"audit's prediction (an address no recipient has must be refused; a live one\n"
"accepted). There is no default server: name one with --server, or --mx to use\n"
"each domain's MX.\n"
"\n"
"  -s, --server HOST[:PORT]  the server to ask (port 25 by default)\n"
"      --mx                the preferred MX of each address's domain\n"
"      --resolver IP[:PORT]  with --mx: ask this DNS server (default: resolv.conf)\n"
"      --port N            with --mx: the SMTP port (default 25)\n"
"      --from ADDR         MAIL FROM address (default: the null sender <>)\n"
"      --snapshot FILE     compare with the audit of this snapshot (repeatable)\n"
"  -c, --config FILE       compare with the live audit of the config's tenants\n"
"  -t, --tenant NAME       only this tenant of the config (repeatable)\n"
"  -f, --format FORMAT     text (default) or json\n"
"      --max-rcpt N        RCPTs per connection (default 10)\n"
"      --pause SECONDS     pause between connections (default 1)\n"
"      --timeout SECONDS   connect and reply timeout (default 30)\n"
"      --require-tls       refuse a server that does not offer STARTTLS\n"
"      --ca-file FILE      CA bundle (else CURL_CA_BUNDLE, SSL_CERT_FILE, system)\n"
"      --helo NAME         EHLO name (default aliasaudit.invalid)\n"
"  -h, --help              this help\n"
"\n"
"Exit: 0 every address answered (and matching the prediction); 1 an answer\n"
"differs from the prediction; 2 usage or config error; 3 some address could\n"
"not be probed (connection, TLS, timeout).\n";

enum { OPT_MX = 256, OPT_RESOLVER, OPT_PORT, OPT_FROM, OPT_SNAPSHOT, OPT_MAX_RCPT, OPT_PAUSE, OPT_TIMEOUT, OPT_REQ_TLS,
       OPT_CA, OPT_HELO };

static const struct option options[] = {
	{ "ca-file", required_argument, NULL, OPT_CA },
	{ "config", required_argument, NULL, 'c' },
	{ "format", required_argument, NULL, 'f' },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "help", no_argument, NULL, 'h' },
	{ "max-rcpt", required_argument, NULL, OPT_MAX_RCPT },
	{ "mx", no_argument, NULL, OPT_MX },
	{ "pause", required_argument, NULL, OPT_PAUSE },
	{ "port", required_argument, NULL, OPT_PORT },
	{ "require-tls", no_argument, NULL, OPT_REQ_TLS },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "server", required_argument, NULL, 's' },
	{ "snapshot", required_argument, NULL, OPT_SNAPSHOT },
	{ "tenant", required_argument, NULL, 't' },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ NULL, 0, NULL, 0 },
};

struct probe_args {
	struct probe_opts po;
	const char *config, *format;
	const char **files; size_t nr_files, alloc_files;
	const char **tenants; size_t nr_tenants, alloc_tenants;
};

static int parse_args(int argc, char **argv, struct probe_args *a)
{
	long v;
	int c;
	memset(a, 0, sizeof(*a));
	a->po.max_rcpt = PROBE_MAX_RCPT;
	a->po.pause_ms = PROBE_PAUSE_MS;
	a->po.timeout_ms = PROBE_TIMEOUT_MS;
	a->format = "text";
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:c:t:f:h", options, NULL)) != -1) {
		switch (c) {
		case 's': a->po.server = optarg; break;
		case OPT_MX: a->po.use_mx = true; break;
		case OPT_RESOLVER: a->po.resolver = optarg; break;
		case OPT_PORT:
			if (cmd_number("probe", "--port", optarg, 1, 65535, &v))
				return EXIT_USAGE;
			a->po.mx_port = optarg;
			break;
		case OPT_FROM: a->po.from = optarg; break;
		case OPT_HELO: a->po.helo = optarg; break;
		case OPT_CA: a->po.ca_file = optarg; break;
		case OPT_REQ_TLS: a->po.require_tls = true; break;
		case 'c': a->config = optarg; break;
		case 'f': a->format = optarg; break;
		case 't': ALLOC_GROW(a->tenants, a->nr_tenants + 1, a->alloc_tenants);
			a->tenants[a->nr_tenants++] = optarg; break;
		case OPT_SNAPSHOT: ALLOC_GROW(a->files, a->nr_files + 1, a->alloc_files);
			a->files[a->nr_files++] = optarg; break;
		case OPT_MAX_RCPT:
			if (cmd_number("probe", "--max-rcpt", optarg, 1, 100, &v))
				return EXIT_USAGE;
			a->po.max_rcpt = (unsigned)v;
			break;
		case OPT_PAUSE:
			if (cmd_number("probe", "--pause", optarg, 0, 3600, &v))
				return EXIT_USAGE;
			a->po.pause_ms = v * 1000;
			break;
		case OPT_TIMEOUT:
			if (cmd_number("probe", "--timeout", optarg, 1, 600, &v))
				return EXIT_USAGE;
			a->po.timeout_ms = v * 1000;
			break;
		case 'h': return cmd_help(usage);
		case ':': return usage_error("probe", "option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("probe", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(a->format, "text") && strcmp(a->format, "json"))
		return usage_error("probe", "unknown format '%s' (text, json)", a->format);
	if (!a->po.server == !a->po.use_mx)
		return usage_error("probe", a->po.use_mx ? "give --server or --mx, not both"
					 : "name the server to ask: --server HOST[:PORT], or --mx");
	char *h, *p;
	if (a->po.server && probe_parse_server(a->po.server, &h, &p))
		return usage_error("probe", "--server: want HOST[:PORT], got '%s'", a->po.server);
	if (a->po.server) {
		free(h);
		free(p);
	}
	if ((a->po.resolver || a->po.mx_port) && !a->po.use_mx)
		return usage_error("probe", "--resolver and --port go with --mx");
	if (optind >= argc)
		return usage_error("probe", "name at least one ADDRESS");
	if (argc - optind > PROBE_MAX_ADDRESSES)
		return usage_error("probe", "at most %d addresses in one run", PROBE_MAX_ADDRESSES);
	return 0;
}

/* load_graph - the snapshots of --snapshot and -c, and their routing graph;
 * 0 (nothing to compare when *g stays NULL) or -1 after printing the error */
static int load_graph(const struct probe_args *a, struct snapshot ***snaps, size_t *nr,
		      struct route_graph **g)
{
	struct snapshot_set set = { *snaps, *nr, *nr };
	struct run_options ro = { .progress = true };
	char *err = NULL;
	int rc = 0;
	*g = NULL;
	if (snapshot_set_read_files(&set, a->files, a->nr_files, &err) ||
	    (a->config && snapshot_set_collect(&set, a->config, a->tenants, a->nr_tenants, &ro, &err)))
		rc = -1;
	*snaps = set.items;
	*nr = set.nr;
	if (rc) {
		error("%s", err);
		free(err);
		return -1;
	}
	if (*nr)
		*g = route_graph_build(*snaps, *nr, NULL);
	return 0;
}

/* print_text - one line per address, then the comparison */
static void print_text(const struct probe_item *items, size_t n, bool compare)
{
	for (size_t i = 0; i < n; i++) {
		const struct probe_item *it = &items[i];
		char *addr = smtp_clean_text(it->address);
		if (it->answered)
			printf("%-32s %d %s%s%s  (%s%s)\n", addr, it->reply.code,
			       it->reply.enhanced ? it->reply.enhanced : "", it->reply.enhanced ? " " : "",
			       it->reply.text, it->server, it->tls ? ", STARTTLS" : ", no TLS");
		else
			printf("%-32s not probed: %s\n", addr, it->error ? it->error : "?");
		if (compare && it->prediction != PREDICT_NONE)
			printf("%-32s   predicted %s (%s)%s%s\n", "", probe_prediction_name(it->prediction),
			       it->why, it->verdict ? ": " : "",
			       it->verdict ? probe_verdict_name(it->verdict) : "");
		else if (compare)
			printf("%-32s   no prediction: %s\n", "", it->why);
		free(addr);
	}
}

/* print_json - {"schema":"aliasaudit.probe/1","results":[...]} */
static void print_json(const struct probe_item *items, size_t n, bool compare)
{
	cJSON *root = cJSON_CreateObject(), *arr;
	cJSON_AddStringToObject(root, "schema", "aliasaudit.probe/1");
	arr = cJSON_AddArrayToObject(root, "results");
	for (size_t i = 0; i < n; i++) {
		const struct probe_item *it = &items[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "address", it->address);
		if (it->server)
			cJSON_AddStringToObject(o, "server", it->server);
		cJSON_AddBoolToObject(o, "answered", it->answered);
		if (it->answered) {
			cJSON_AddBoolToObject(o, "tls", it->tls);
			cJSON_AddNumberToObject(o, "code", it->reply.code);
			if (it->reply.enhanced)
				cJSON_AddStringToObject(o, "enhanced", it->reply.enhanced);
			else
				cJSON_AddNullToObject(o, "enhanced");
			cJSON_AddStringToObject(o, "text", it->reply.text);
			cJSON_AddBoolToObject(o, "accepted", it->reply.code / 100 == 2);
		} else {
			cJSON_AddStringToObject(o, "error", it->error ? it->error : "not answered");
		}
		if (compare) {
			const char *p = probe_prediction_name(it->prediction), *v = probe_verdict_name(it->verdict);
			p ? cJSON_AddStringToObject(o, "prediction", p) : cJSON_AddNullToObject(o, "prediction");
			cJSON_AddStringToObject(o, "reason", it->why);
			v ? cJSON_AddStringToObject(o, "verdict", v) : cJSON_AddNullToObject(o, "verdict");
		}
		cJSON_AddItemToArray(arr, o);
	}
	char *text = cJSON_Print(root);
	puts(text);
	free(text);
	cJSON_Delete(root);
}

int cmd_probe(int argc, char **argv)
{
	struct probe_args a;
	struct snapshot **snaps = NULL;
	struct route_graph *g = NULL;
	struct probe_item *items = NULL;
	size_t nr = 0, n = 0;
	int rc = parse_args(argc, argv, &a), ret = EXIT_USAGE;
	if (rc) {
		free(a.files);
		free(a.tenants);
		return cmd_exit(rc);
	}
	if (load_graph(&a, &snaps, &nr, &g))
		goto out;
	n = (size_t)(argc - optind);
	items = xcalloc(n, sizeof(*items));
	for (size_t i = 0; i < n; i++)
		items[i].address = argv[optind + (int)i];
	if (g)
		probe_predict(g, items, n);
	probe_run(&a.po, items, n);
	probe_judge(items, n);
	if (!strcmp(a.format, "json"))
		print_json(items, n, g != NULL);
	else
		print_text(items, n, g != NULL);
	ret = EXIT_CLEAN;
	for (size_t i = 0; i < n; i++) {
		if (!items[i].answered)
			ret = EXIT_INCOMPLETE;
		else if (items[i].verdict == VERDICT_DIFFERS && ret == EXIT_CLEAN)
			ret = EXIT_FINDINGS;
	}
	fflush(stdout);
out:
	probe_items_release(items, n);
	free(items);
	route_graph_free(g);
	for (size_t i = 0; i < nr; i++)
		snapshot_free(snaps[i]);
	free(snaps);
	free(a.files);
	free(a.tenants);
	return ret;
}
