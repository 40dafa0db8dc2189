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

/* m365_issue_token - a new access token of app client_id for resource (caller frees) */
char *m365_issue_token(const char *resource, const char *client_id, long lifetime);
/* m365_app - the fixture's app object with this client_id ("app" or
 * "write_app"), or NULL; m365_app_secret - its secret ("" when none) */
cJSON *m365_app(const char *client_id);
const char *m365_app_secret(const char *client_id);
/* m365_bearer_may_write - the live token of rq (already checked for
 * resource) belongs to an app allowed to write there: Graph app role
 * MailboxSettings.ReadWrite, or an Exchange role that has the Set-/New-/
 * Remove- cmdlets. Apps without "roles" in the fixture may do everything. */
bool m365_bearer_may_write(struct mreq *rq, const char *resource);

/* tenant state: the fixture is the live tenant; writes change it. Readers
 * hold the read lock, writers the write lock. */
void m365_state_rdlock(void);
void m365_state_wrlock(void);
void m365_state_unlock(void);
/* m365_write_pause - sleep the write latency knob (outside the lock) */
void m365_write_pause(void);
/* m365_log_write - one {"m365_write": what, "identity", "status"} log line */
void m365_log_write(const char *what, const char *identity, unsigned status);
/* m365_count_read - a read of key was served (knob: mutate after N reads);
 * m365_run_mutations - apply the mutations that are due (no lock held) */
void m365_count_read(const char *key);
void m365_run_mutations(void);
/* m365_exo_write - run a write cmdlet on the tenant (takes the write lock);
 * rs gets the answer (200 or a documented error) */
void m365_exo_write(const char *cmdlet, cJSON *params, const char *tenant, struct mresp *rs);
/* m365_graph_patch_rule - PATCH a rule of user (UPN or id) with body; rs as above */
void m365_graph_patch_rule(const char *user, const char *rule_id, const cJSON *body,
			   struct mresp *rs);
/* m365_exo_error - the InvokeCommand error envelope (detail: "Id|Class|text") */
void m365_exo_error(struct mresp *rs, unsigned status, const char *code, const char *msg,
		    const char *detail, const char *type);
/* m365_exo_data - the fixture's exchange member key (the live rows) */
cJSON *m365_exo_data(const char *key);
/* m365_matches_identity - an Exchange row answers to identity (Identity,
 * Name, Alias, addresses, DomainName, Guid, ...) */
bool m365_matches_identity(cJSON *o, const char *id);
/* m365_write_knobs - the write knobs of a knobs object (fail_after_write);
 * m365_state_handler - GET /_m365/state: the live tenant (m365_exo_write.c) */
void m365_write_knobs(const cJSON *knobs);
void m365_state_handler(struct mreq *rq, struct mresp *rs);
/* m365_exo_is_write - cmdlet changes the tenant */
bool m365_exo_is_write(const char *cmdlet);
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
