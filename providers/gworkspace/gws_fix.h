/*
 * gws_fix.h - the Google Workspace fix operations (README "Fixing, with undo"): planning
 * the documented Gmail settings changes for a finding (gws_fix.c), and
 * reading, applying and reverting one change (gws_fix_ops.c) over direct
 * Gmail API calls (gws_fix_http.c), each with a token whose sub is the
 * mailbox owner.
 *
 * A change's setting says which Gmail resource it touches; its values are
 * JSON texts in the shape read_value returns, so the engine's
 * compare-and-swap works on them:
 *   treatAsAlias    true|false                  sendAs/{sendAsEmail}.treatAsAlias
 *   sendAs          null|{sendAsEmail,treatAsAlias}   a send-as identity
 *   autoForwarding  {enabled:false} | {enabled:true,emailAddress,disposition}
 *   filter          null|{criteria,action}      a filter, found by id or content
 * params hold only user, sendAsEmail and filterId: never a token or key.
 */
#ifndef ALIASAUDIT_GWS_FIX_H
#define ALIASAUDIT_GWS_FIX_H

#include "gws.h"

#define GWS_SET_TREAT_AS_ALIAS "treatAsAlias"
#define GWS_SET_SEND_AS "sendAs"
#define GWS_SET_AUTOFORWARD "autoForwarding"
#define GWS_SET_FILTER "filter"

/* ---- gws_fix.c ---- */

/* gws_plan_fix - see provider.h plan_fix */
int gws_plan_fix(struct provider_session *ps, const struct snapshot *snap,
		 const struct finding *f, const char *variant, struct fix_plan *plan, char **err);

/* ---- gws_fix_ops.c ---- */

/* gws_read_value / gws_apply_change / gws_revert_change - see provider.h */
int gws_read_value(struct provider_session *ps, const struct fix_change *c, char **out, char **err);
/* gws_tenant_key - see provider.h tenant_key (gws_fix_http.c) */
int gws_tenant_key(struct provider_session *ps, char **out, char **err);
int gws_apply_change(struct provider_session *ps, const struct fix_change *c, char **err);
int gws_revert_change(struct provider_session *ps, const struct fix_change *c, char **err);
/* gws_autoforward_norm - an autoForwarding object in the change shape: only
 * enabled when off (the address then has no effect), else enabled,
 * emailAddress and disposition (new object) */
cJSON *gws_autoforward_norm(const cJSON *af);
/* gws_filter_content - a filter's {criteria, action} without its id (new object) */
cJSON *gws_filter_content(const cJSON *filter);
/* gws_filter_find - in a filters list answer ({"filter": [...]}), the filter
 * with id, else the first whose content equals want (either may be NULL) */
const cJSON *gws_filter_find(const cJSON *list, const char *id, const cJSON *want);

/* ---- gws_fix_http.c ---- */

/* gws_settings_call - one Gmail settings call as user (userId "me", the
 * session's Gmail scopes): method on .../settings/<what>[/<escaped id>] with
 * body (NULL: none). *status is the final HTTP status; *out the parsed JSON
 * answer or NULL (caller frees). 0 when a final answer came (any status),
 * -1 with *err when none did (transport, credentials, retries exhausted). */
int gws_settings_call(struct gws_session *gs, const char *user, const char *method,
		      const char *what, const char *id, const cJSON *body, long *status,
		      cJSON **out, char **err);
/* gws_call_error - one line for a failed call: "<method> <what> of <user>: HTTP 403 reason: message" */
char *gws_call_error(const char *method, const char *what, const char *user, long status,
		     const cJSON *body);

#endif
