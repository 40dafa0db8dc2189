/*
 * m365_mock.h - state shared by the Microsoft 365 handlers of the mock:
 * the tenant fixture, the app credentials, and issued access tokens.
 */
#ifndef M365_MOCK_H
#define M365_MOCK_H

#include "mockd.h"

/* m365_fixture - the loaded tenant fixture (read-only after start) */
cJSON *m365_fixture(void);
/* m365_tenant_matches - the path's tenant segment names the fixture tenant
 * (its GUID; domains are accepted when allow_domain) */
bool m365_tenant_matches(const char *seg, size_t len, bool allow_domain);
const char *m365_client_id(void);
const char *m365_client_secret(void);
const char *m365_client_cert_path(void);

/* m365_issue_token - a new access token for resource (caller frees) */
char *m365_issue_token(const char *resource, long lifetime);
/* m365_check_bearer - true when rq carries a live token for resource; else
 * rs holds the 401 */
bool m365_check_bearer(struct mreq *rq, const char *resource, struct mresp *rs);
/* m365_jti_seen - remember jti; true when it was used before */
bool m365_jti_seen(const char *jti);

/* m365_token_handler, m365_graph_handler, m365_exo_handler - the routes */
void m365_token_handler(struct mreq *rq, struct mresp *rs);
void m365_graph_handler(struct mreq *rq, struct mresp *rs);
void m365_exo_handler(struct mreq *rq, struct mresp *rs);

#endif
