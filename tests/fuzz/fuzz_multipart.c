/*
 * fuzz_multipart.c - libFuzzer target for the multipart/mixed batch reader
 * (Gmail's batch responses): the first line of the input is the response's
 * Content-Type, the rest its body.
 */
#include "net/http_multipart.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *nl = memchr(data, '\n', size);
	size_t ctlen = nl ? (size_t)(nl - (const char *)data) : size;
	char *ct = strndup((const char *)data, ctlen);
	const char *body = nl ? nl + 1 : (const char *)data + size;
	size_t blen = size - (size_t)(body - (const char *)data);
	struct http_part *parts = NULL;
	size_t n = 0;
	char *err = NULL, *b = http_multipart_boundary_of(ct);
	free(b);
	if (http_multipart_parse(ct, body, blen, &parts, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			(void)http_part_header(&parts[i], "Content-ID");
		http_parts_free(parts, n);
	}
	free(err);
	free(ct);
	return 0;
}
