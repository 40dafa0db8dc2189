/*
 * cmd_headers.c - the 'headers' command: reads a raw message (file or stdin),
 * explains what happened to it from its trace and authentication fields
 * (src/headers/), and prints the report as text or JSON. No tenant needed.
 */
#include "cli/cmd.h"
#include "headers/analyze.h"
#include "headers/headers_report.h"
#include "headers/message.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define READ_CHUNK 65536

static const char usage_text[] =
	"usage: aliasaudit headers [-f text|json] [--srs-secret SECRET] [--srs-max-age DAYS] FILE|-\n"
	"\n"
	"Explains what happened to a (forwarded) message from its raw headers: reads\n"
	"the header block of FILE ('-' for stdin; the body is not needed), parses every\n"
	"Authentication-Results (RFC 8601), ARC-Seal / ARC-Message-Signature /\n"
	"ARC-Authentication-Results, Received, Received-SPF, Return-Path and From, and\n"
	"reports each hop (oldest first) with what SPF, DKIM, DMARC, ARC and compauth\n"
	"saw, then diagnoses: SRS missing at a forwarding hop, SRS applied (SRS0, SRS1,\n"
	"Exchange +SRS=), DMARC failing under p=reject/quarantine, ARC chain valid or\n"
	"not, From and Return-Path misaligned.\n"
	"\n"
	"options:\n"
	"  -f, --format FORMAT    text (default) or json\n"
	"      --srs-secret SECRET  check SRS0/SRS1 hashes with the forwarder's secret\n"
	"                         (libsrs2/postsrsd scheme; also ALIASAUDIT_SRS_SECRET);\n"
	"                         never printed. Exchange's +SRS= hash cannot be checked.\n"
	"      --srs-max-age DAYS SRS timestamps older than this are expired (default 21)\n"
	"  -h, --help             this help\n"
	"\n"
	"exit codes: 0 the headers were read (whatever the diagnoses say), 2 usage error,\n"
	"unreadable file, or no header field at all in the input.\n"
	"\n"
	"Each diagnosis has a stable code (headers.srs-missing, headers.dmarc-fail-reject,\n"
	"...); 'aliasaudit explain CODE' explains its cause and fix. See docs/headers.md.\n";

/* read_header_block - read path ('-' stdin) until the blank line ending the
 * header block, the end, or just past HDR_MAX_BLOCK bytes; -1 with *err */
static int read_header_block(const char *path, struct strbuf *out, char **err)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *chunk;

	if (!f) {
		*err = xstrfmt("cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	chunk = xmalloc(READ_CHUNK);
	for (;;) {
		size_t n = fread(chunk, 1, READ_CHUNK, f);
		if (n == 0) {
			if (ferror(f)) {
				*err = xstrfmt("cannot read '%s': %s", path, strerror(errno ? errno : EIO));
				free(chunk);
				if (f != stdin)
					fclose(f);
				return -1;
			}
			break;
		}
		if (strbuf_add(out, chunk, n) < 0)
			BUG("uncapped buffer refused data");
		if (out->len > HDR_MAX_BLOCK || hdr_header_end(out->buf, out->len))
			break;
	}
	free(chunk);
	if (f != stdin)
		fclose(f);
	return 0;
}

/* cmd_headers - see usage_text */
int cmd_headers(int argc, char **argv)
{
	enum { OPT_SECRET = 256, OPT_MAX_AGE };
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "srs-max-age", required_argument, NULL, OPT_MAX_AGE },
		{ "srs-secret", required_argument, NULL, OPT_SECRET },
		{ NULL, 0, NULL, 0 },
	};
	struct hdr_options opt = { .srs_max_age = SRS_DEFAULT_MAX_AGE };
	struct hdr_analysis a;
	struct strbuf in = STRBUF_INIT, out = STRBUF_INIT;
	const char *format = "text", *path;
	char *err = NULL;
	int c, ret = EXIT_USAGE;

	opt.srs_secret = getenv("ALIASAUDIT_SRS_SECRET");
	if (opt.srs_secret && !*opt.srs_secret)
		opt.srs_secret = NULL;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case 'h':
			return cmd_exit(cmd_help(usage_text));
		case OPT_SECRET:
			if (!*optarg)
				return usage_error("headers", "--srs-secret needs a non-empty secret");
			opt.srs_secret = optarg;
			break;
		case OPT_MAX_AGE: {
			long v;
			if (cmd_number("headers", "--srs-max-age", optarg, 0, 1023, &v))
				return EXIT_USAGE;
			opt.srs_max_age = (int)v;
			break;
		}
		default:
			return usage_error("headers", "unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json"))
		return usage_error("headers", "unknown format '%s' (text or json)", format);
	if (optind != argc - 1)
		return usage_error("headers", optind >= argc ? "no FILE given ('-' reads stdin)"
							     : "one FILE only");
	path = argv[optind];
	opt.now = now_time();

	hdr_analysis_init(&a);
	if (read_header_block(path, &in, &err) < 0) {
		error("%s", err);
		goto out;
	}
	if (hdr_analyze(in.buf, in.len, &opt, &a, &err) < 0) {
		error("'%s': %s", path, err);
		goto out;
	}
	if (!strcmp(format, "json")) {
		char *s = hdr_report_json(&a, path);
		printf("%s\n", s);
		free(s);
	} else {
		hdr_report_text(&a, path, &out);
		fwrite(out.buf, 1, out.len, stdout);
	}
	ret = fflush(stdout) ? EXIT_USAGE : EXIT_CLEAN;
out:
	free(err);
	hdr_analysis_release(&a);
	strbuf_release(&in);
	strbuf_release(&out);
	return ret;
}
