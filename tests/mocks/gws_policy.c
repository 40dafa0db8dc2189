/*
 * gws_policy.c - the mock Cloud Identity Policy API v1: GET /v1/policies
 * for a super admin only (403 PERMISSION_DENIED otherwise), pageSize <= 100
 * (larger values coerced), an opaque nextPageToken, the filter subset
 * setting.type.matches('<regex>'), errors in the v2 shape (no errors[]),
 * and the two 429 RESOURCE_EXHAUSTED answers ScubaGoggles tells apart
 * (scubagoggles/policy_api.py, PolicyAPI._get): one when pages are asked for
 * faster than the pace (--gws-policy-interval-ms, default 1000, so tests can
 * run fast; its message text is not documented: Google's generic
 * "Resource has been exhausted (e.g. check quota)." is used), and one when
 * the per-minute read quota is spent: "Quota exceeded for quota metric
 * 'Read requests' and limit 'Read requests per minute' of service
 * 'cloudidentity.googleapis.com'" [ISS-429-SHAPE], served by
 * --gws-policy-quota {"reads": N, "window_ms": W} (off by default): at most
 * N reads per fixed window of W ms (a minute on the real service; tests
 * shorten it). The numeric quota is not published.
 */
#include "gws_mock.h"

#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t pmu = PTHREAD_MUTEX_INITIALIZER;
static long long last_ms;
static long quota_reads, quota_window_ms = 60000;   /* reads 0: no quota */
static long long window_start_ms;
static long window_reads;

/* now_ms - a monotonic clock in milliseconds */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* v2_error - {"error":{code,message,status}} */
static void v2_error(struct mresp *rs, unsigned code, const char *status, const char *msg)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	cJSON_AddNumberToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddStringToObject(e, "status", status);
	resp_json(rs, code, j);
}

/* filtered - the policies whose setting.type matches the filter's regex */
static cJSON *filtered(const char *filter, struct mresp *rs)
{
	cJSON *out = cJSON_CreateArray(), *p;
	const char *m = filter ? strstr(filter, "matches('") : NULL;
	regex_t re;
	bool use = false;
	if (m) {
		char *pat = NULL;
		size_t n;
		m += 9;
		n = strcspn(m, "'");
		pat = mx_fmt("%.*s", (int)n, m);
		/* CEL string escapes: '\\.' is a regex '\.' */
		for (char *x = pat; *x; x++)
			if (x[0] == '\\' && x[1] == '\\')
				memmove(x, x + 1, strlen(x));
		if (regcomp(&re, pat, REG_EXTENDED | REG_NOSUB)) {
			free(pat);
			cJSON_Delete(out);
			v2_error(rs, 400, "INVALID_ARGUMENT", "Request contains an invalid argument.");
			return NULL;
		}
		free(pat);
		use = true;
	}
	cJSON_ArrayForEach(p, gws_fixture_get("policies")) {
		const char *t = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "setting"), "type"));
		if (!use || (t && !regexec(&re, t, 0, NULL, 0)))
			cJSON_AddItemToArray(out, cJSON_Duplicate(p, 1));
	}
	if (use)
		regfree(&re);
	return out;
}

/* gws_policy_quota_set - see gws_mock.h */
int gws_policy_quota_set(const char *text)
{
	cJSON *j = cJSON_Parse(text), *r, *w;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		fprintf(stderr, "mockd: --gws-policy-quota: want a JSON object\n");
		return -1;
	}
	r = cJSON_GetObjectItem(j, "reads");
	w = cJSON_GetObjectItem(j, "window_ms");
	pthread_mutex_lock(&pmu);
	quota_reads = cJSON_IsNumber(r) ? (long)r->valuedouble : 0;
	quota_window_ms = cJSON_IsNumber(w) && w->valuedouble > 0 ? (long)w->valuedouble : 60000;
	window_start_ms = 0;
	window_reads = 0;
	pthread_mutex_unlock(&pmu);
	cJSON_Delete(j);
	return 0;
}

/* over_quota - count one read against the quota window; true when spent (pmu held) */
static bool over_quota(long long now)
{
	if (quota_reads <= 0)
		return false;
	if (!window_start_ms || now - window_start_ms >= quota_window_ms) {
		window_start_ms = now;
		window_reads = 0;
	}
	return ++window_reads > quota_reads;
}

/* gws_policy_handler - /v1/policies */
void gws_policy_handler(struct mreq *rq, struct mresp *rs)
{
	static const char *const scopes[] = { "cloud-identity.policies.readonly", "cloud-identity.policies", NULL };
	char *sub = NULL, *key = gws_match_key(rq);
	long long now, interval = gws_policy_interval_ms();
	bool too_fast, spent = false;
	cJSON *items;

	if (!gws_check_bearer(rq->auth, scopes, &sub, rs))
		goto out;
	if (!gws_in_list("super_admins", sub)) {
		v2_error(rs, 403, "PERMISSION_DENIED", "The caller does not have permission");
		goto out;
	}
	pthread_mutex_lock(&pmu);
	now = now_ms();
	too_fast = last_ms && now - last_ms < interval;
	if (!too_fast) {
		last_ms = now;
		spent = over_quota(now);
	}
	pthread_mutex_unlock(&pmu);
	if (too_fast) {
		v2_error(rs, 429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).");
		goto out;
	}
	if (spent) {
		v2_error(rs, 429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' and limit "
			 "'Read requests per minute' of service 'cloudidentity.googleapis.com' for consumer "
			 "'project_number:113344556677'.");
		goto out;
	}
	if (gws_inject(key, rs))
		goto out;
	if (strcmp(rq->method, "GET") || strcmp(rq->path, "/v1/policies")) {
		v2_error(rs, 501, "UNIMPLEMENTED", "This mock serves policies.list only.");
		goto out;
	}
	items = filtered(req_arg(rq, "filter"), rs);
	if (!items)
		goto out;
	gws_paginate(rq, rs, items, "policies", "pageSize", 50, 100, true, NULL);
	cJSON_Delete(items);
out:
	free(sub);
	free(key);
}
