/*
 * fuzz_snapshot.c - libFuzzer target for the snapshot reader and what runs
 * on what it accepts: parse, write back, and audit (graph and every check).
 */
#include "core/audit.h"
#include "core/graph.h"
#include "core/snapshot.h"

#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot *s = NULL;
	char *err = NULL;
	if (snapshot_parse("fuzz.json", (const char *)data, size, &s, &err) == 0) {
		struct audit_result res;
		struct route_limits lim;
		char *json = snapshot_to_json(s);
		free(json);
		route_limits_default(&lim);
		if (audit_run(&s, 1, &lim, NULL, &res, &err) == 0)
			audit_result_release(&res);
		snapshot_free(s);
	}
	free(err);
	return 0;
}
