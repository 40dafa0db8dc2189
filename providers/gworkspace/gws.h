/*
 * gws.h - the Google Workspace provider's private interface: the session,
 * service-account tokens with domain-wide delegation (gws_auth.c), Google
 * error bodies, "Retry after" parsing, retries and Directory-style paging
 * (gws_http.c), the Gmail multipart batch client (gws_batch.c), the pure
 * mapping from API objects to snapshot entries (gws_map.c, gws_map_policy.c)
 * and collection (gws_collect.c: Directory and policy; gws_collect_gmail.c:
 * each user's Gmail settings). docs/gworkspace.md describes the mapping and
 * the scopes.
 *
 * Ownership: strings put into a snapshot are copied into its arena; cJSON
 * values passed in stay the caller's; tokens belong to their gws_auth.
 */
#ifndef ALIASAUDIT_GWS_H
#define ALIASAUDIT_GWS_H

#include "net/http.h"
#include "core/provider.h"
#include "core/snapshot.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <time.h>

#define GWS_ADMIN_URL "https://admin.googleapis.com"
#define GWS_GMAIL_URL "https://gmail.googleapis.com"
#define GWS_CLOUDIDENTITY_URL "https://cloudidentity.googleapis.com"
/* google-auth hard-codes this audience even when token_uri differs */
#define GWS_TOKEN_AUD "https://oauth2.googleapis.com/token"

#define GWS_SCOPE_PREFIX "https://www.googleapis.com/auth/"
/* Directory reads (admin subject) */
#define GWS_SCOPES_DIRECTORY \
	GWS_SCOPE_PREFIX "admin.directory.user.readonly " \
	GWS_SCOPE_PREFIX "admin.directory.group.readonly " \
	GWS_SCOPE_PREFIX "admin.directory.group.member.readonly " \
	GWS_SCOPE_PREFIX "admin.directory.domain.readonly " \
	GWS_SCOPE_PREFIX "admin.directory.orgunit.readonly"
/* Gmail settings reads (each user). There is no settings-only read-only
 * scope: gmail.settings.basic is the narrowest that reads sendAs,
 * autoForwarding, forwardingAddresses, filters and vacation (the other
 * choice, gmail.readonly, reads every message). */
#define GWS_SCOPES_GMAIL GWS_SCOPE_PREFIX "gmail.settings.basic"
/* Gmail settings writes (fix --apply only) */
#define GWS_SCOPES_GMAIL_WRITE \
	GWS_SCOPE_PREFIX "gmail.settings.basic " GWS_SCOPE_PREFIX "gmail.settings.sharing"
/* Cloud Identity Policy API (super admin subject) */
#define GWS_SCOPES_POLICY GWS_SCOPE_PREFIX "cloud-identity.policies.readonly"

#define GWS_USERS_PAGE 500
#define GWS_GROUPS_PAGE 200
#define GWS_POLICY_PAGE 100
#define GWS_BATCH_DEFAULT 50     /* Google: more than 50 is not recommended */
#define GWS_BATCH_MAX 100        /* Gmail's hard cap per batch */
#define GWS_POLICY_DELAY_MS 1000 /* Policy API: about 1 s between pages */
/* the longest page chain followed (a Directory list of 10 million users at
 * 500 a page is 20,000 pages): a longer one is a server fault, not a tenant */
#define GWS_MAX_PAGES 20000
/* Policy API read quota ("Quota exceeded ... read requests per minute"):
 * ScubaGoggles waits 30 s, then 15 s more each time; the total wait for one
 * request is bounded by GWS_QUOTA_MAX_WAIT_MS, then the area is named */
#define GWS_QUOTA_WAIT_MS 30000L
#define GWS_QUOTA_MAX_WAIT_MS 180000L
#define GWS_MAX_BODY ((size_t)256 << 20)

/* ---- gws_auth.c ---- */

struct gws_key;
struct gws_auth;

/* gws_token - one cached access token for (sub, scopes); an http_auth */
struct gws_token {
	struct http_auth base;       /* first: the http layer calls base.get */
	struct gws_auth *auth;
	char *sub, *scopes;
	char *value;                 /* "Bearer ..." or NULL */
	long long refresh_at_ms;
	char *failure;               /* the refusal, repeated to later callers */
	bool fatal;                  /* a credential/config error: nothing can be read */
	int fetches;
};

/* gws_key_load - read a service-account JSON key file (type, client_email,
 * private_key, token_uri; client_id and private_key_id optional).
 * 0, or -1 with a one-line *err that never quotes the key. */
int gws_key_load(const char *path, struct gws_key **out, char **err);
/* gws_key_parse - the same from a buffer; name is used in messages */
int gws_key_parse(const char *name, const char *buf, size_t len, struct gws_key **out, char **err);
void gws_key_free(struct gws_key *k);
const char *gws_key_client_id(const struct gws_key *k);
const char *gws_key_client_email(const struct gws_key *k);
const char *gws_key_token_uri(const struct gws_key *k);

/* gws_assertion - the signed RS256 JWT-bearer assertion for sub and scopes
 * (iat = now - 30, exp = iat + 3600; caller frees), or NULL with *err */
char *gws_assertion(const struct gws_key *k, const char *sub, const char *scopes, time_t now,
		    char **err);

/* gws_auth_new - a token cache over key (taken) using http client c (borrowed) */
struct gws_auth *gws_auth_new(struct gws_key *key, struct http_client *c);
void gws_auth_free(struct gws_auth *a);
/* gws_auth_token - the cached token source for (sub, scopes), created on first use */
struct gws_token *gws_auth_token(struct gws_auth *a, const char *sub, const char *scopes);
/* gws_auth_prefetch - fetch the tokens t[0..n) that are not fresh, concurrently */
void gws_auth_prefetch(struct gws_auth *a, struct gws_token **t, size_t n);
/* gws_token_get - the http_auth get(): see http.h */
int gws_token_get(struct http_auth *a, const char *stale, char **value, char **err);
/* gws_token_error - the one-line message for a refused token request:
 * status, the OAuth error and description, the key's client_id, sub and
 * scopes; *fatal says whether the whole tenant is unreadable (caller frees) */
char *gws_token_error(long status, const char *error, const char *desc, const char *client_id,
		      const char *sub, const char *scopes, bool *fatal);

/* ---- gws_http.c ---- */

/* gws_error - the parts of a Google error body (v1 with errors[], v2 with
 * status); pointers into j or NULL */
struct gws_error {
	long code;
	const char *reason, *status, *message;
};
/* gws_error_parse - read a JSON error body; false when it is not one */
bool gws_error_parse(const cJSON *j, struct gws_error *e);
/* gws_parse_rfc3339 - "2024-11-12T11:16:42.247Z" (or +hh:mm) to seconds
 * since the epoch (*ms the fractional milliseconds); 0 or -1 */
int gws_parse_rfc3339(const char *s, time_t *out, long *ms);
/* gws_retry_after_text - the delay in milliseconds asked for by a message
 * "... Retry after <RFC 3339 time> ..." relative to now (0 when past, capped
 * at HTTP_RETRY_AFTER_CAP_MS), -1 when the message has none */
long gws_retry_after_text(const char *message, time_t now);
/* gws_retryable - a final answer (status, body) worth another try: 408, 429,
 * 5xx and 403 rateLimitExceeded/userRateLimitExceeded/quotaExceeded; never
 * 403 forbidden ("Delegation denied"), 400 or 404. *delay_ms is the wait the
 * server asked for (Retry-After header, else the message form), or -1. */
bool gws_retryable(long status, const char *body, size_t len, const char *retry_after,
		   long *delay_ms);
/* gws_quota - the Policy API read quota's waits: first, growing by half of
 * first each time, at most max in total (first_ms <= 0: GWS_QUOTA_WAIT_MS;
 * max_ms < 0: GWS_QUOTA_MAX_WAIT_MS) */
struct gws_quota {
	long first_ms, max_ms;
};
/* gws_quota_next - the wait before the next try after rounds waits that
 * took waited ms in all, or -1 when it would pass q's bound */
long gws_quota_next(const struct gws_quota *q, long waited, int rounds);
/* gws_is_read_quota - a 429 whose text says the per-minute read quota is
 * spent ("Quota exceeded ... read requests per minute") */
bool gws_is_read_quota(long status, const char *body, size_t len);
/* gws_run - http_run plus Google's 403 rate limits: requests that end with a
 * retryable 403 are tried again (up to the client's try limit) after the
 * time in their message or a backoff. Returns how many have error set. */
size_t gws_run(struct http_client *c, struct http_request **reqs, size_t n);
/* gws_run_quota - gws_run, and a 429 for the read quota (q not NULL) is
 * waited out within q's bound; past it, error names the quota and the wait */
size_t gws_run_quota(struct http_client *c, struct http_request **reqs, size_t n, const struct gws_quota *q);
/* gws_describe - one line for a request that is not http_ok (caller frees) */
char *gws_describe(const struct http_request *r);

/* gws_pager - one Google list: url (with its query, no pageToken), the
 * array key of each page; items collect there. delay_ms between pages; a
 * nextPageToken met before, or more than max_pages pages (0:
 * GWS_MAX_PAGES), ends it with an error; quota (may be NULL) see gws_run. */
struct gws_pager {
	char *url;
	const char *key;
	struct http_auth *auth;
	long delay_ms;
	long max_pages;
	const struct gws_quota *quota;
	/* results */
	cJSON *items;                /* array (owned) */
	char *error;
	bool auth_failed;
	long status;
	size_t pages;
	/* internal: hashes of the page tokens followed */
	unsigned long long *seen; size_t nr_seen, cap_seen;
};
/* gws_pager_run - read p[0..n) concurrently, page by page (nextPageToken).
 * Returns how many ended with error set. */
size_t gws_pager_run(struct http_client *c, struct gws_pager *p, size_t n);
void gws_pager_release(struct gws_pager *p);

/* ---- gws_batch.c ---- */

/* gws_call - one Gmail call inside a batch */
struct gws_call {
	char *method, *path;         /* path only: "/gmail/v1/users/me/settings/sendAs" (owned) */
	struct gws_token *token;     /* the user's token (borrowed) */
	/* results */
	long status;                 /* final inner status, 0 if none */
	cJSON *body;                 /* parsed inner body (owned) or NULL */
	char *error;                 /* set when it could not be read at all */
	bool auth_failed;            /* the token source failed fatally */
	int tries;
	/* internal */
	long long not_before_ms;
	bool refreshed;
};
/* gws_batch_run - send calls through batch_url in batches of at most
 * batch_size parts (each with its own Authorization), matching answers by
 * Content-ID; 401 refreshes the part's token once, 429/5xx/403 rate limits
 * are retried in later batches. A final non-retryable inner status is left
 * for the caller with error NULL. Returns how many calls have error set. */
size_t gws_batch_run(struct http_client *c, const char *batch_url, struct gws_auth *a,
		     struct gws_call *calls, size_t n, int batch_size);
void gws_call_release(struct gws_call *c);

/* ---- gws_map.c ---- */

/* gws_build - a snapshot being filled (arrays are malloc'd, moved into the
 * snapshot's arena by gws_build_finish) */
struct gws_build {
	struct snapshot *s;
	struct snapshot_domain *dom; size_t nr_dom, alloc_dom;
	struct snapshot_recipient *rcp; size_t nr_rcp, alloc_rcp;
	struct snapshot_forward *fwd; size_t nr_fwd, alloc_fwd;
	struct snapshot_auto_reply *ar; size_t nr_ar, alloc_ar;
	struct snapshot_send_as *sa; size_t nr_sa, alloc_sa;
	struct ou_forwarding *ou; size_t nr_ou, alloc_ou;
	double *ou_order;            /* sortOrder of each ou entry */
	struct catch_all *ca; size_t nr_ca, alloc_ca;
	long long now_ms;            /* collection time (epoch ms): vacation windows */
};
void gws_build_finish(struct gws_build *b);
void gws_build_release(struct gws_build *b);

/* gws_json_str - o[key] when a non-empty string, else NULL */
const char *gws_json_str(const cJSON *o, const char *key);
/* gws_json_true - o[key] is true (absent or false: false) */
bool gws_json_true(const cJSON *o, const char *key);

/* gws_add_domain - a Directory domains item and its domainAliases */
int gws_add_domain(struct gws_build *b, const cJSON *d, char **err);
/* gws_add_user - a Directory user; returns the recipient index or -1 with *err */
long gws_add_user(struct gws_build *b, const cJSON *u, char **err);
/* gws_add_group - a Directory group and its members (NULL: not read) */
int gws_add_group(struct gws_build *b, const cJSON *g, const cJSON *members, char **err);
/* gws_add_send_as - a Gmail sendAs list of owner */
int gws_add_send_as(struct gws_build *b, const char *owner, const cJSON *list, char **err);
/* gws_add_autoforward - a Gmail autoForwarding object of owner */
int gws_add_autoforward(struct gws_build *b, const char *owner, const cJSON *af, char **err);
/* gws_add_filters - a Gmail filters list ({"filter": [...]}) of owner */
int gws_add_filters(struct gws_build *b, const char *owner, const cJSON *list, char **err);
/* gws_add_vacation - a Gmail vacation object of owner: listed when
 * enableAutoReply, enabled only inside its startTime..endTime window at
 * b->now_ms; -1 with *err when a time is not epoch milliseconds */
int gws_add_vacation(struct gws_build *b, const char *owner, const cJSON *v, char **err);
/* gws_filter_summary - a readable criteria summary ("from:a@b subject:(x)"); caller frees */
char *gws_filter_summary(const cJSON *criteria);
/* gws_policy_ctx - what policies are resolved against: the Directory's
 * orgunits (type=allIncludingParent) and groups, each NULL-safe; *_read says
 * whether that list could be read at all */
struct gws_policy_ctx {
	const cJSON *ous, *groups;
	bool ous_read, groups_read;
	size_t stale;                /* out: policies ignored (OU or group gone) */
};
/* gws_add_policy - a Policy API policy (gws_map_policy.c): a
 * gmail.auto_forwarding policy becomes an OU entry, or a group entry when
 * policyQuery.group is set; other settings, and policies whose OU or group
 * no longer exists (ctx->stale counts them), are ignored (0); -1 with *err
 * when it cannot be placed */
int gws_add_policy(struct gws_build *b, const cJSON *p, struct gws_policy_ctx *ctx, char **err);
/* gws_policy_order - OU entries first, then group entries by descending
 * sortOrder (the first group entry holding a user is that user's policy) */
void gws_policy_order(struct gws_build *b);
/* gws_parse_catch_all - a config value "domain:target:scope[:name]" into b
 * (source "config"); 0 or -1 with *err */
int gws_parse_catch_all(struct gws_build *b, const char *value, char **err);

/* ---- gws.c / gws_collect.c ---- */

struct gws_session {
	struct provider_session base;  /* first */
	struct http_client *http;
	struct gws_auth *auth;
	char *admin_url, *gmail_url, *ci_url;
	char *admin_subject, *super_admin_subject, *customer;
	const char *gmail_scopes;
	long policy_delay_ms;
	long max_pages;                /* 0: GWS_MAX_PAGES */
	struct gws_quota quota;        /* Policy API read quota waits */
	int batch_size;
	char **catch_all; size_t nr_catch_all;  /* config values */
	char *where;                   /* "file:line: tenant 'x'" for messages */
};

int gws_collect(struct provider_session *ps, struct snapshot **out, char **err);
/* gws_read_gmail - round 3 (gws_collect_gmail.c): the Gmail settings of
 * users b->rcp[0..nusers) that may have a mailbox, mapped into b; a refused
 * token is that user's error, unless the refusal is fatal (-1 with *err) */
int gws_read_gmail(struct gws_session *gs, struct gws_build *b, size_t nusers, char **err);
/* gws_tenant_from_env - the provider's tenant_from_env() (gws_env.c) */
int gws_tenant_from_env(struct config *cfg, char **err);

#endif
