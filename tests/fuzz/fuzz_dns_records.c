/*
 * fuzz_dns_records.c - libFuzzer target for the DNS record parsers of
 * core/dns_records.c: one input is tried as an SPF, a DMARC and a DKIM key
 * record (the DKIM path decodes keys with OpenSSL).
 */
#include "core/dns_records.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* LLVMFuzzerTestOneInput - parse one NUL-terminated copy three ways */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *txt = malloc(size + 1);
	char *err = NULL;
	if (!txt)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';

	struct spf_record spf;
	if (spf_parse(txt, &spf, &err) == 0) {
		for (size_t i = 0; i < spf.nr; i++)
			(void)spf_term_queries_dns(spf.terms[i].kind);
		spf_record_release(&spf);
	}
	free(err);
	err = NULL;

	struct dmarc_record dmarc;
	if (dmarc_parse(txt, &dmarc, &err) == 0)
		dmarc_record_release(&dmarc);
	free(err);
	err = NULL;

	struct dkim_key key;
	(void)dkim_parse(txt, &key, &err);
	free(err);
	free(txt);
	return 0;
}
