/*
 * fuzz_headers.c - libFuzzer target for the headers command's parser: the
 * whole path from raw bytes through the header reader, the RFC 8601 / ARC /
 * Received / SRS parsers and the diagnoses to both reports.
 */
#include "headers/analyze.h"
#include "headers/authres.h"
#include "headers/headers_report.h"
#include "headers/srs.h"
#include "base/strbuf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - analyze and render one input */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hdr_options opt = { .srs_secret = "s3cret", .now = 1795672800, .srs_max_age = 21 };
	struct hdr_analysis a;
	char *err = NULL;

	hdr_analysis_init(&a);
	if (hdr_analyze((const char *)data, size, &opt, &a, &err) == 0) {
		struct strbuf out = STRBUF_INIT;
		char *json = hdr_report_json(&a, "fuzz");
		hdr_report_text(&a, "fuzz", &out);
		free(json);
		strbuf_release(&out);
	}
	free(err);
	hdr_analysis_release(&a);

	/* the field parsers alone, on the input as one NUL-terminated value */
	if (size < 65536) {
		char *s = malloc(size + 1);
		struct hdr_notes notes;
		struct authres ar;
		struct srs_addr srs;
		struct srs_check chk;

		if (!s)
			return 0;
		memcpy(s, data, size);
		s[size] = '\0';
		hdr_notes_init(&notes);
		hdr_authres_init(&ar);
		hdr_authres_parse(&ar, s, "fuzz", &notes);
		hdr_authres_release(&ar);
		hdr_authres_init(&ar);
		hdr_arc_authres_parse(&ar, s, &notes);
		hdr_authres_release(&ar);
		hdr_notes_release(&notes);
		hdr_srs_init(&srs);
		if (hdr_srs_parse(s, &srs) > 0)
			hdr_srs_verify(&srs, "s3cret", 1795672800, 21, &chk);
		hdr_srs_release(&srs);
		free(s);
	}
	return 0;
}
