/*
 * fuzz_gws.c - libFuzzer target for the Google Workspace response mappers:
 * Directory domains, users and groups with members, Gmail send-as,
 * auto-forwarding, filters and vacation settings, Cloud Identity policies,
 * Google error bodies, RFC 3339 times and "Retry after" texts, and the
 * catch-all declaration syntax. The input is one JSON object whose members
 * name the response each value stands for.
 */
#include "providers/gworkspace/gws.h"
#include "core/audit.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define EACH(j, key, call) do { \
		const cJSON *arr_ = cJSON_GetObjectItemCaseSensitive(j, key), *it; \
		cJSON_ArrayForEach(it, arr_) { char *e_ = NULL; (void)(call); free(e_); } \
	} while (0)

/* strings - every string of j[key] given to fn */
static void strings(const cJSON *j, const char *key, void (*fn)(const char *))
{
	const cJSON *it, *arr = cJSON_GetObjectItemCaseSensitive(j, key);
	cJSON_ArrayForEach(it, arr)
		if (cJSON_IsString(it))
			fn(it->valuestring);
}

static void one_time(const char *s)
{
	time_t t;
	long ms;
	(void)gws_parse_rfc3339(s, &t, &ms);
	(void)gws_retry_after_text(s, 1795672800);
	(void)gws_is_read_quota(429, s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	struct gws_build b = { 0 };
	struct gws_policy_ctx ctx = { 0 };
	struct gws_error ge;
	struct audit_result res;
	char *err = NULL, *s;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return 0;
	}
	b.s = snapshot_new("fuzz", "gworkspace");
	b.now_ms = 1795672800000LL;
	EACH(j, "domains", gws_add_domain(&b, it, &e_));
	EACH(j, "users", gws_add_user(&b, it, &e_));
	EACH(j, "groups", gws_add_group(&b, it, cJSON_GetObjectItem(it, "members"), &e_));
	EACH(j, "send_as", gws_add_send_as(&b, "owner@fuzz.example", it, &e_));
	EACH(j, "autoforward", gws_add_autoforward(&b, "owner@fuzz.example", it, &e_));
	EACH(j, "filters", gws_add_filters(&b, "owner@fuzz.example", it, &e_));
	EACH(j, "vacation", gws_add_vacation(&b, "owner@fuzz.example", it, &e_));
	ctx.ous = cJSON_GetObjectItem(j, "orgunits");
	ctx.groups = cJSON_GetObjectItem(j, "groups");
	ctx.ous_read = ctx.groups_read = true;
	EACH(j, "policies", gws_add_policy(&b, it, &ctx, &e_));
	gws_policy_order(&b);
	EACH(j, "errors", gws_error_parse(it, &ge));
	strings(j, "times", one_time);
	{
		const cJSON *it, *arr = cJSON_GetObjectItem(j, "catch_all");
		cJSON_ArrayForEach(it, arr)
			if (cJSON_IsString(it)) {
				char *e = NULL;
				(void)gws_parse_catch_all(&b, it->valuestring, &e);
				free(e);
			}
	}
	gws_build_finish(&b);
	s = snapshot_to_json(b.s);
	free(s);
	if (audit_run(&b.s, 1, NULL, NULL, &res, &err) == 0)
		audit_result_release(&res);
	free(err);
	snapshot_free(b.s);
	cJSON_Delete(j);
	return 0;
}
