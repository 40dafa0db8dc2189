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

/* the routes */
void gws_token_handler(struct mreq *rq, struct mresp *rs);
void gws_directory_handler(struct mreq *rq, struct mresp *rs);
void gws_gmail_handler(struct mreq *rq, struct mresp *rs);
void gws_batch_handler(struct mreq *rq, struct mresp *rs);
void gws_policy_handler(struct mreq *rq, struct mresp *rs);
/* gws_gmail_answer - one Gmail call (also a batch part): method, path (with
 * query), the Authorization value */
void gws_gmail_answer(const char *method, const char *path, const char *auth, struct mresp *rs);

#endif
