/*
 * m365_request.c - the requests of a Microsoft 365 collection: Exchange admin
 * API InvokeCommand POSTs (with the headers ExchangeOnlineManagement sends)
 * and Graph GETs, each with its token; and the pager callbacks that keep the
 * items read.
 */
#include "m365_collect.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* m365_keep_item - see m365_collect.h */
int m365_keep_item(void *ctx, cJSON *item, char **err)
{
	if (!cJSON_IsObject(item)) {
		*err = xstrdup("a 'value' item is not an object");
		return -1;
	}
	cJSON_AddItemToArray((cJSON *)ctx, cJSON_Duplicate(item, 1));
	return 0;
}

/* mailbox_fields - the Get-Mailbox properties the mapping reads (a real row
 * has some 250; keeping only these bounds memory at 100,000 mailboxes) */
static const char *const mailbox_fields[] = {
	"Identity", "Name", "Alias", "DisplayName", "Guid", "ExchangeGuid", "PrimarySmtpAddress",
	"UserPrincipalName", "ExternalDirectoryObjectId", "EmailAddresses", "RecipientTypeDetails",
	"ForwardingAddress", "ForwardingSmtpAddress", "DeliverToMailboxAndForward", NULL,
};

/* m365_keep_mailbox - see m365_collect.h */
int m365_keep_mailbox(void *ctx, cJSON *item, char **err)
{
	cJSON *o;
	if (!cJSON_IsObject(item)) {
		*err = xstrdup("a 'value' item is not an object");
		return -1;
	}
	o = cJSON_CreateObject();
	for (int i = 0; mailbox_fields[i]; i++) {
		cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(item, mailbox_fields[i]);
		if (v)
			cJSON_AddItemToObject(o, mailbox_fields[i], v);
	}
	cJSON_AddItemToArray((cJSON *)ctx, o);
	return 0;
}

/* m365_exo_request - see m365_collect.h */
struct http_request *m365_exo_request(struct m365_session *ms, const char *cmdlet, cJSON *params)
{
	cJSON *body = cJSON_CreateObject(), *ci = cJSON_AddObjectToObject(body, "CmdletInput");
	char *url = xstrfmt("%s/adminapi/beta/%s/InvokeCommand", ms->exchange_url, ms->tenant_id);
	char *anchor = xstrfmt("%s%s", M365_ANCHOR, ms->tenant_id);
	struct http_request *r = http_request_new("POST", url);
	char *text;
	cJSON_AddStringToObject(ci, "CmdletName", cmdlet);
	cJSON_AddItemToObject(ci, "Parameters", params ? params : cJSON_CreateObject());
	text = cJSON_PrintUnformatted(body);
	http_request_add_header(r, "Content-Type", "application/json");
	http_request_add_header(r, "Accept", "application/json");
	http_request_add_header(r, "Prefer", "odata.maxpagesize=1000");
	http_request_add_header(r, "X-AnchorMailbox", anchor);
	http_request_add_header(r, "X-CmdletName", cmdlet);
	http_request_add_header(r, "X-ResponseFormat", "json");
	http_request_add_header(r, "X-ClientApplication", "aliasaudit");
	http_request_set_body(r, text, strlen(text));
	r->auth = &ms->exchange.base;
	free(text);
	free(url);
	free(anchor);
	cJSON_Delete(body);
	return r;
}

/* m365_graph_request - see m365_collect.h */
struct http_request *m365_graph_request(struct m365_session *ms, const char *path)
{
	char *url = xstrfmt("%s%s", ms->graph_url, path);
	struct http_request *r = http_request_new("GET", url);
	http_request_add_header(r, "Accept", "application/json");
	r->auth = &ms->graph.base;
	free(url);
	return r;
}
