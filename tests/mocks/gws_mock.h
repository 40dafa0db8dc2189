/*
 * gws_mock.h - state shared by the Google Workspace handlers of the mock:
 * the customer fixture, the service account's public key and scope
 * allow-list, issued access tokens bound to (sub, scopes), Google-shaped
 * errors and failure injection.
 */
#ifndef GWS_MOCK_H
#define GWS_MOCK_H

#include "mockd.h"

/* gws_fixture - the loaded customer fixture (read-only after start) */
cJSON *gws_fixture(void);
/* gws_fixture_list - fixture[key] (an array or object), or NULL */
cJSON *gws_fixture_get(const char *key);
/* gws_user - the Directory user whose primaryEmail (or alias) is email */
cJSON *gws_user(const char *email);
/* gws_in_list - email is in the fixture's string array key ("admins") */
bool gws_in_list(const char *key, const char *email);
const char *gws_public_key_path(void);
long gws_policy_interval_ms(void);

/* gws_issue_token - a new opaque token for (sub, scopes) (caller frees) */
char *gws_issue_token(const char *sub, const char *scopes, long lifetime);
/* gws_check_bearer - auth names a live token holding one of the scopes in
 * any (NULL-terminated, short names such as "gmail.settings.basic"): *sub is
 * its subject (caller frees). Else rs holds the 401/403 and false returns. */
bool gws_check_bearer(const char *auth, const char *const *any, char **sub, struct mresp *rs);

/* gws_error - a v1 Google error {"error":{code,message,errors[{domain,reason,message}],status}} */
void gws_error(struct mresp *rs, unsigned code, const char *reason, const char *status, const char *msg);
/* gws_inject - a knob rule matching key fires: rs holds a Google-shaped
 * failure (429 rateLimitExceeded with Retry-After, 403
 * userRateLimitExceeded with only "Retry after <RFC 3339>" in the message,
 * 5xx backendError) and true returns */
bool gws_inject(const char *key, struct mresp *rs);
/* gws_match_key - "path?k=v&..." for knob rules (caller frees) */
char *gws_match_key(const struct mreq *rq);
/* gws_paginate - answer items (array) as {key: page, nextPageToken} with
 * maxResults (or pageSize) def/max and an opaque offset token */
void gws_paginate(struct mreq *rq, struct mresp *rs, cJSON *items, const char *key, const char *size_arg,
		  long def, long max, bool coerce, const char *kind);

/* gws_policy_quota_set - --gws-policy-quota {"reads": N, "window_ms": W}
 * (gws_policy.c); 0 or -1 (message printed) */
int gws_policy_quota_set(const char *text);

/* the routes */
void gws_token_handler(struct mreq *rq, struct mresp *rs);
void gws_directory_handler(struct mreq *rq, struct mresp *rs);
void gws_gmail_handler(struct mreq *rq, struct mresp *rs);
void gws_batch_handler(struct mreq *rq, struct mresp *rs);
void gws_policy_handler(struct mreq *rq, struct mresp *rs);
/* gws_gmail_answer - one Gmail call (also a batch part): method, path (with
 * query), the Authorization value, the body (body_len bytes, may be NULL) */
void gws_gmail_answer(const char *method, const char *path, const char *auth, const char *body,
		      size_t body_len, struct mresp *rs);
/* gws_strip_false - a copy of o without false booleans (Gmail omits them) */
cJSON *gws_strip_false(const cJSON *o);

/* ---- gws_gmail_write.c: writes that change the state, and their knobs ---- */

/* gws_state_lock / gws_state_unlock - guard the fixture's "gmail" state
 * (handlers run on one thread per connection) */
void gws_state_lock(void);
void gws_state_unlock(void);
/* gws_write_scopes - the scopes (any one) a write of what ("sendAs/x",
 * "filters", ...) with method needs, as Google documents them */
const char *const *gws_write_scopes(const char *method, const char *what);
/* gws_gmail_write - one write on user sub's (Directory user u) gmail state g;
 * what is the path after settings/ (state lock held) */
void gws_gmail_write(const char *method, const char *sub, const cJSON *u, cJSON *g, const char *what,
		     const char *body, size_t body_len, struct mresp *rs);
/* gws_write_done - log a write that reached the state, then hold the answer
 * for the write delay knob (state lock not held) */
void gws_write_done(const char *method, const char *sub, const char *path, const char *body,
		    unsigned status);
/* gws_after_read - a read with key was answered: fire the tamper rules */
void gws_after_read(const char *key);
/* gws_knobs_set - apply a Google knobs JSON text ({"write_delay_ms", "tamper"}); 0 or -1 */
int gws_knobs_set(const char *text);
/* gws_control_handler - POST /_gws/knobs, GET /_gws/gmail */
void gws_control_handler(struct mreq *rq, struct mresp *rs);
void gws_write_cleanup(void);

#endif
