/*
 * test_gws_map.c - the table-shaped parts of reading a real Google
 * Workspace customer (issue 13): vacation responder windows, Policy API
 * policies placed on OUs (the root from allIncludingParent, deleted OUs
 * ignored) and configuration groups (precedence order), which token
 * refusals are one user's and which the tenant's, and the Policy API read
 * quota's waits.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../providers/gworkspace/gws.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1764140400000LL   /* 2025-11-26T07:00:00Z */

/* test_vacation - enableAutoReply and the startTime..endTime window */
static void test_vacation(void **state)
{
	static const struct { const char *json; int listed, enabled, error; } t[] = {
		{ "{\"enableAutoReply\":false,\"startTime\":\"1\"}", 0, 0, 0 },
		{ "{\"enableAutoReply\":true}", 1, 1, 0 },
		{ "{\"enableAutoReply\":true,\"startTime\":\"1764000000000\",\"endTime\":\"1765000000000\"}", 1, 1, 0 },
		{ "{\"enableAutoReply\":true,\"endTime\":\"1764140400000\"}", 1, 0, 0 },    /* ends now */
		{ "{\"enableAutoReply\":true,\"endTime\":\"1700000000000\"}", 1, 0, 0 },    /* ended */
		{ "{\"enableAutoReply\":true,\"startTime\":\"1764140400001\"}", 1, 0, 0 },  /* not yet */
		{ "{\"enableAutoReply\":true,\"startTime\":\"1764140400000\"}", 1, 1, 0 },  /* starts now */
		{ "{\"enableAutoReply\":true,\"startTime\":1764000000000}", 1, 1, 0 },       /* a number */
		{ "{\"enableAutoReply\":true,\"endTime\":\"soon\"}", 0, 0, 1 },
		{ "{\"enableAutoReply\":true,\"startTime\":\"-5\"}", 0, 0, 1 },
		{ "{\"enableAutoReply\":true,\"startTime\":\"\"}", 0, 0, 1 },
		{ "[]", 0, 0, 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct gws_build b = { .s = snapshot_new("t", "gworkspace"), .now_ms = NOW };
		cJSON *j = cJSON_Parse(t[i].json);
		char *err = NULL;
		int rc = gws_add_vacation(&b, "a@x.com", j, &err);
		if ((rc < 0) != t[i].error)
			fail_msg("%s: rc %d", t[i].json, rc);
		if (b.nr_ar != (size_t)t[i].listed)
			fail_msg("%s: %zu listed", t[i].json, b.nr_ar);
		if (b.nr_ar && b.ar[0].enabled != (bool)t[i].enabled)
			fail_msg("%s: enabled %d", t[i].json, b.ar[0].enabled);
		free(err);
		cJSON_Delete(j);
		gws_build_release(&b);
		snapshot_free(b.s);
	}
}

static const char ous[] =
	"[{\"orgUnitPath\":\"/\",\"orgUnitId\":\"id:root1\"},"
	"{\"orgUnitPath\":\"/Sales\",\"orgUnitId\":\"id:sales1\",\"parentOrgUnitId\":\"id:root1\"}]";
static const char groups[] =
	"[{\"id\":\"g1\",\"email\":\"a@x.com\"},{\"id\":\"g2\",\"email\":\"b@x.com\"}]";

/* policy - a gmail.auto_forwarding policy JSON text (caller frees) */
static char *policy(const char *query, int enabled)
{
	return xstrfmt("{\"name\":\"policies/p\",\"policyQuery\":{%s},\"setting\":{\"type\":"
		       "\"settings/gmail.auto_forwarding\",\"value\":{\"enableAutoForwarding\":%s}}}",
		       query, enabled ? "true" : "false");
}

/* test_policies - where each policy lands, what is ignored, what fails */
static void test_policies(void **state)
{
	static const struct { const char *query; int rc; const char *ou, *group; } t[] = {
		{ "\"orgUnit\":\"orgUnits/root1\",\"sortOrder\":1", 0, "/", NULL },
		{ "\"orgUnit\":\"orgUnits/sales1\"", 0, "/Sales", NULL },
		{ "", 0, "/", NULL },                                          /* no OU: the top one */
		{ "\"orgUnit\":\"orgUnits/gone\"", 0, NULL, NULL },           /* deleted OU: ignored */
		{ "\"orgUnit\":\"orgUnits/root1\",\"group\":\"groups/g2\"", 0, NULL, "b@x.com" },
		{ "\"orgUnit\":\"orgUnits/root1\",\"group\":\"groups/g9\"", 0, NULL, NULL },   /* deleted group */
		{ "\"group\":\"WORKSPACE_ALL_ADMIN_GROUP\"", -1, NULL, NULL },
	};
	cJSON *o = cJSON_Parse(ous), *g = cJSON_Parse(groups);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct gws_build b = { .s = snapshot_new("t", "gworkspace") };
		struct gws_policy_ctx ctx = { .ous = o, .groups = g, .ous_read = true, .groups_read = true };
		char *text = policy(t[i].query, 0), *err = NULL;
		cJSON *p = cJSON_Parse(text);
		int rc = gws_add_policy(&b, p, &ctx, &err);
		if (rc != t[i].rc)
			fail_msg("%s: rc %d (%s)", t[i].query, rc, err ? err : "");
		if (!t[i].ou && !t[i].group) {
			assert_int_equal(b.nr_ou, 0);
			if (!rc)
				assert_int_equal(ctx.stale, 1);
		} else {
			assert_int_equal(b.nr_ou, 1);
			assert_false(b.ou[0].enabled);
			if (t[i].ou)
				assert_string_equal(b.ou[0].org_unit, t[i].ou);
			else
				assert_null(b.ou[0].org_unit);
			if (t[i].group)
				assert_string_equal(b.ou[0].group, t[i].group);
			else
				assert_null(b.ou[0].group);
		}
		free(err);
		free(text);
		cJSON_Delete(p);
		gws_build_release(&b);
		snapshot_free(b.s);
	}
	/* OUs unread: an OU policy cannot be placed; groups unread: a group one */
	{
		struct gws_build b = { .s = snapshot_new("t", "gworkspace") };
		struct gws_policy_ctx ctx = { .ous = NULL, .groups = NULL };
		char *t1 = policy("\"orgUnit\":\"orgUnits/root1\"", 1), *t2 = policy("\"group\":\"groups/g1\"", 1);
		cJSON *p1 = cJSON_Parse(t1), *p2 = cJSON_Parse(t2);
		char *err = NULL;
		assert_int_equal(gws_add_policy(&b, p1, &ctx, &err), -1);
		assert_non_null(strstr(err, "organisational units could not be read"));
		free(err);
		err = NULL;
		assert_int_equal(gws_add_policy(&b, p2, &ctx, &err), -1);
		assert_non_null(strstr(err, "groups could not be read"));
		free(err);
		free(t1);
		free(t2);
		cJSON_Delete(p1);
		cJSON_Delete(p2);
		gws_build_release(&b);
		snapshot_free(b.s);
	}
	cJSON_Delete(o);
	cJSON_Delete(g);
}

/* test_policy_order - per target the greatest sortOrder wins; OU entries
 * come first, then groups by descending sortOrder */
static void test_policy_order(void **state)
{
	static const struct { const char *query; int enabled; } in[] = {
		{ "\"orgUnit\":\"orgUnits/root1\",\"group\":\"groups/g1\",\"sortOrder\":5", 1 },
		{ "\"orgUnit\":\"orgUnits/root1\",\"sortOrder\":1", 0 },
		{ "\"orgUnit\":\"orgUnits/root1\",\"group\":\"groups/g2\",\"sortOrder\":399.00027", 0 },
		{ "\"orgUnit\":\"orgUnits/root1\",\"group\":\"groups/g1\",\"sortOrder\":2", 0 },   /* lower: loses */
		{ "\"orgUnit\":\"orgUnits/sales1\",\"sortOrder\":3", 1 },
		{ "\"orgUnit\":\"orgUnits/root1\",\"sortOrder\":7", 1 },                        /* higher: wins */
	};
	static const struct { const char *ou, *group; int enabled; } want[] = {
		{ "/", NULL, 1 }, { "/Sales", NULL, 1 }, { NULL, "b@x.com", 0 }, { NULL, "a@x.com", 1 },
	};
	cJSON *o = cJSON_Parse(ous), *g = cJSON_Parse(groups);
	struct gws_build b = { .s = snapshot_new("t", "gworkspace") };
	struct gws_policy_ctx ctx = { .ous = o, .groups = g, .ous_read = true, .groups_read = true };
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		char *text = policy(in[i].query, in[i].enabled), *err = NULL;
		cJSON *p = cJSON_Parse(text);
		assert_int_equal(gws_add_policy(&b, p, &ctx, &err), 0);
		free(text);
		cJSON_Delete(p);
	}
	gws_policy_order(&b);
	assert_int_equal(b.nr_ou, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		const struct ou_forwarding *e = &b.ou[i];
		if ((want[i].ou ? !e->org_unit || strcmp(e->org_unit, want[i].ou) : e->org_unit != NULL) ||
		    (want[i].group ? !e->group || strcmp(e->group, want[i].group) : e->group != NULL) ||
		    e->enabled != (bool)want[i].enabled)
			fail_msg("entry %zu: ou %s group %s enabled %d", i, e->org_unit ? e->org_unit : "-",
				 e->group ? e->group : "-", e->enabled);
	}
	gws_build_release(&b);
	snapshot_free(b.s);
	cJSON_Delete(o);
	cJSON_Delete(g);
}

/* test_token_refusals - which refusals are one user's and which the tenant's */
static void test_token_refusals(void **state)
{
	static const struct { long status; const char *error, *desc; int fatal; const char *says; } t[] = {
		{ 400, "access_denied", "Account restricted", 0, "restricted or suspended" },
		{ 400, "access_denied", "Requested client not authorized", 0, "restricted or suspended" },
		{ 400, "access_denied", NULL, 0, "restricted or suspended" },
		{ 400, "invalid_grant", "Bad Request", 0, "restricted or suspended" },
		{ 400, "invalid_grant", "Invalid email or User ID", 0, "not an existing user" },
		{ 400, "invalid_grant", "The account has been deleted", 0, "not an existing user" },
		{ 400, "invalid_grant", "Invalid JWT Signature.", 1, "create a new key" },
		{ 400, "invalid_grant", NULL, 1, "create a new key" },
		{ 401, "unauthorized_client", "Client is unauthorized", 1, "Domain-wide delegation" },
		{ 401, "invalid_client", NULL, 1, "unknown or disabled" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		bool fatal = !t[i].fatal;
		char *m = gws_token_error(t[i].status, t[i].error, t[i].desc, "1", "u@x.com", "s", &fatal);
		if (fatal != (bool)t[i].fatal || !strstr(m, t[i].says) || !strstr(m, "u@x.com"))
			fail_msg("%s %s: fatal %d: %s", t[i].error, t[i].desc ? t[i].desc : "", fatal, m);
		free(m);
	}
}

/* test_quota_waits - 30 s, 45 s, 60 s ... while the total stays in bound */
static void test_quota_waits(void **state)
{
	struct gws_quota def = { 0, -1 }, small = { 1000, 3000 }, none = { 1000, 0 };
	long waited = 0, d;
	int rounds = 0;
	static const long want[] = { 30000, 45000, 60000 };
	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		d = gws_quota_next(&def, waited, rounds++);
		assert_int_equal(d, want[i]);
		waited += d;
	}
	/* 135 s waited: 75 s more would pass GWS_QUOTA_MAX_WAIT_MS (180 s) */
	assert_int_equal(gws_quota_next(&def, waited, rounds), -1);
	assert_int_equal(gws_quota_next(&small, 0, 0), 1000);
	assert_int_equal(gws_quota_next(&small, 1000, 1), 1500);
	assert_int_equal(gws_quota_next(&small, 2500, 2), -1);
	assert_int_equal(gws_quota_next(&none, 0, 0), -1);
	/* the read quota's 429 and nothing else */
	{
		static const char q[] = "{\"error\":{\"code\":429,\"message\":\"Quota exceeded for quota metric 'Read "
			"requests' and limit 'Read requests per minute' of service 'cloudidentity.googleapis.com'\","
			"\"status\":\"RESOURCE_EXHAUSTED\"}}";
		static const char pace[] = "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted "
			"(e.g. check quota).\",\"status\":\"RESOURCE_EXHAUSTED\"}}";
		assert_true(gws_is_read_quota(429, q, strlen(q)));
		assert_false(gws_is_read_quota(403, q, strlen(q)));
		assert_false(gws_is_read_quota(429, pace, strlen(pace)));
		assert_false(gws_is_read_quota(429, NULL, 0));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vacation),
		cmocka_unit_test(test_policies),
		cmocka_unit_test(test_policy_order),
		cmocka_unit_test(test_token_refusals),
		cmocka_unit_test(test_quota_waits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
