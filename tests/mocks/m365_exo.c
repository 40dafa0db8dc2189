/*
 * m365_exo.c - the mock Exchange Online admin API:
 * POST /adminapi/beta/{tenant}/InvokeCommand with
 * {"CmdletInput":{"CmdletName":..,"Parameters":{..}}}. Serves the read
 * cmdlets the auditor uses from the fixture, with @odata.context,
 * "@odata.type"/"@data.type" annotations and @adminapi.warnings, honours
 * Prefer: odata.maxpagesize, pages by @odata.nextLink that must be re-POSTed
 * with the same body, sends Rate-Limit-* headers, and answers with the
 * documented error shapes: 404 NotFound (Ex6F9304 ManagementObjectNotFound),
 * 400 BadRequest (unknown parameter), 403 with an empty body (cmdlet outside
 * the role, or a write by an app whose Exchange role is read-only). Needs a
 * live token for the Exchange resource. Write cmdlets: m365_exo_write.c.
 */
#include "m365_mock.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct cmdlet {
	const char *name;
	const char *params[12];
};

static const struct cmdlet cmdlets[] = {
	{ "Get-AcceptedDomain", { "Identity", "ResultSize" } },
	{ "Get-Mailbox", { "Identity", "ResultSize", "RecipientTypeDetails", "Filter" } },
	{ "Get-DistributionGroup", { "Identity", "ResultSize" } },
	{ "Get-DistributionGroupMember", { "Identity", "ResultSize" } },
	{ "Get-MailContact", { "Identity", "ResultSize" } },
	{ "Get-HostedOutboundSpamFilterPolicy", { "Identity" } },
	{ "Get-HostedOutboundSpamFilterRule", { "Identity", "State" } },
	{ "Get-RemoteDomain", { "Identity" } },
	{ "Get-TransportRule", { "Identity", "State", "ResultSize" } },
	{ "Get-OrganizationConfig", { NULL } },
	/* every kind of recipient (issue 13): Get-Recipient returns all
	 * mail-enabled objects, Microsoft 365 groups only when
	 * -RecipientTypeDetails names GroupMailbox (learn.microsoft.com
	 * powershell/module/exchange/get-recipient); the members of a Microsoft
	 * 365 group come from Get-UnifiedGroupLinks -LinkType Members, those of
	 * a dynamic distribution group from Get-DynamicDistributionGroupMember
	 * (one of the six documented admin API v2.0 endpoints, m365.md) */
	{ "Get-Recipient", { "Identity", "ResultSize", "RecipientTypeDetails", "Filter" } },
	{ "Get-MailUser", { "Identity", "ResultSize" } },
	{ "Get-UnifiedGroup", { "Identity", "ResultSize" } },
	{ "Get-UnifiedGroupLinks", { "Identity", "LinkType", "ResultSize" } },
	{ "Get-DynamicDistributionGroup", { "Identity", "ResultSize" } },
	{ "Get-DynamicDistributionGroupMember", { "Identity", "ResultSize" } },
	/* writes (m365_exo_write.c) */
	{ "Set-OrganizationConfig", { "SendFromAliasEnabled", "DisablePlusAddressInRecipients", "Confirm" } },
	{ "Set-Mailbox", { "Identity", "ForwardingSmtpAddress", "ForwardingAddress",
			   "DeliverToMailboxAndForward", "Confirm" } },
	{ "Set-RemoteDomain", { "Identity", "AutoForwardEnabled", "AutoReplyEnabled", "Confirm" } },
	{ "New-HostedOutboundSpamFilterPolicy", { "Name", "AutoForwardingMode", "Confirm" } },
	{ "Set-HostedOutboundSpamFilterPolicy", { "Identity", "AutoForwardingMode", "Confirm" } },
	{ "Remove-HostedOutboundSpamFilterPolicy", { "Identity", "Confirm" } },
	{ "New-HostedOutboundSpamFilterRule", { "Name", "HostedOutboundSpamFilterPolicy", "From", "FromMemberOf",
						"SenderDomainIs", "ExceptIfFrom", "ExceptIfFromMemberOf",
						"ExceptIfSenderDomainIs", "Priority", "Enabled", "Confirm" } },
	{ "Set-HostedOutboundSpamFilterRule", { "Identity", "Priority", "Confirm" } },
	{ "Remove-HostedOutboundSpamFilterRule", { "Identity", "Confirm" } },
};

static long remaining = 30000;
static pthread_mutex_t rmu = PTHREAD_MUTEX_INITIALIZER;

/* m365_exo_error - see m365_mock.h */
void m365_exo_error(struct mresp *rs, unsigned status, const char *code, const char *msg,
		      const char *detail, const char *type)
{
	cJSON *j = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(j, "error");
	cJSON *det = cJSON_AddArrayToObject(e, "details"), *d = cJSON_CreateObject(), *ie, *ix;
	cJSON_AddStringToObject(e, "code", code);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddStringToObject(d, "code", "Client");
	cJSON_AddStringToObject(d, "target", "");
	cJSON_AddStringToObject(d, "message", detail);
	cJSON_AddItemToArray(det, d);
	ie = cJSON_AddObjectToObject(e, "innererror");
	cJSON_AddStringToObject(ie, "message", msg);
	cJSON_AddStringToObject(ie, "type", "Microsoft.Exchange.Admin.OData.Core.ODataServiceException");
	cJSON_AddStringToObject(ie, "stacktrace", "");
	ix = cJSON_AddObjectToObject(ie, "internalexception");
	cJSON_AddStringToObject(ix, "message", strrchr(detail, '|') ? strrchr(detail, '|') + 1 : detail);
	cJSON_AddStringToObject(ix, "type", type);
	cJSON_AddStringToObject(ix, "stacktrace", "");
	cJSON_AddStringToObject(j, "adminapi.warnings@odata.type", "#Collection(String)");
	cJSON_AddArrayToObject(j, "@adminapi.warnings");
	resp_json(rs, status, j);
	resp_header(rs, "x-ExceptionType", type);
}

/* m365_exo_data - see m365_mock.h */
cJSON *m365_exo_data(const char *key)
{
	return cJSON_GetObjectItem(cJSON_GetObjectItem(m365_fixture(), "exchange"), key);
}

/* m365_matches_identity - see m365_mock.h */
bool m365_matches_identity(cJSON *o, const char *id)
{
	static const char *const keys[] = { "Identity", "Name", "Alias", "PrimarySmtpAddress", "DomainName",
					     "Guid", "ExternalDirectoryObjectId", "UserPrincipalName", NULL };
	cJSON *v, *a;
	for (int i = 0; keys[i]; i++) {
		v = cJSON_GetObjectItem(o, keys[i]);
		if (cJSON_IsString(v) && !strcasecmp(v->valuestring, id))
			return true;
	}
	cJSON_ArrayForEach(a, cJSON_GetObjectItem(o, "EmailAddresses"))
		if (cJSON_IsString(a) && strchr(a->valuestring, ':') &&
		    !strcasecmp(strchr(a->valuestring, ':') + 1, id))
			return true;
	return false;
}

/* the fixture sections Get-Recipient draws from (the tenant's mail-enabled
 * objects; "Get-Recipient" holds the kinds no other read cmdlet returns,
 * e.g. hybrid RemoteUserMailbox rows) */
static const char *const recipient_sources[] = {
	"Get-Mailbox", "Get-DistributionGroup", "Get-MailContact", "Get-MailUser",
	"Get-UnifiedGroup", "Get-DynamicDistributionGroup", "Get-Recipient", NULL,
};

/* the RecipientTypeDetails values Exchange Online accepts (m365.md §3.7 Get-Recipient) */
static const char *const rtd_values[] = {
	"UserMailbox", "SharedMailbox", "RoomMailbox", "EquipmentMailbox", "SchedulingMailbox",
	"TeamMailbox", "GroupMailbox", "DiscoveryMailbox", "LinkedMailbox", "LinkedRoomMailbox",
	"LegacyMailbox", "PublicFolderMailbox", "PublicFolder", "MailUser", "GuestMailUser",
	"SharedWithMailUser", "MailContact", "MailForestContact", "MailUniversalDistributionGroup",
	"MailUniversalSecurityGroup", "MailNonUniversalGroup", "DynamicDistributionGroup", "RoomList",
	"RemoteUserMailbox", "RemoteSharedMailbox", "RemoteRoomMailbox", "RemoteEquipmentMailbox",
	"RemoteTeamMailbox", NULL,
};

/* rtd_wanted - row o passes the RecipientTypeDetails filter f (a string or an
 * array; NULL: everything but GroupMailbox, as the docs say) */
static bool rtd_wanted(cJSON *o, const cJSON *f)
{
	cJSON *r = cJSON_GetObjectItem(o, "RecipientTypeDetails"), *v;
	const char *rtd = cJSON_IsString(r) ? r->valuestring : "";
	if (!f)
		return strcasecmp(rtd, "GroupMailbox") != 0;
	if (cJSON_IsString(f))
		return !strcasecmp(f->valuestring, rtd);
	cJSON_ArrayForEach(v, f)
		if (cJSON_IsString(v) && !strcasecmp(v->valuestring, rtd))
			return true;
	return false;
}

/* rtd_invalid - the first value of filter f Exchange would refuse, or NULL */
static const char *rtd_invalid(const cJSON *f)
{
	const cJSON *v;
	if (!f)
		return NULL;
	if (!cJSON_IsString(f) && !cJSON_IsArray(f))
		return "(not a string)";
	for (v = cJSON_IsArray(f) ? f->child : f; v; v = cJSON_IsArray(f) ? v->next : NULL) {
		bool ok = false;
		if (!cJSON_IsString(v))
			return "(not a string)";
		for (int i = 0; rtd_values[i]; i++)
			ok |= !strcasecmp(rtd_values[i], v->valuestring);
		if (!ok)
			return v->valuestring;
	}
	return NULL;
}

/* recipient_rows - Get-Recipient's rows: borrowed pointers into the fixture
 * (caller frees the array only), filtered by RecipientTypeDetails */
static cJSON **recipient_rows(const cJSON *filter, long *n)
{
	cJSON **rows = NULL, *o;
	long nr = 0, alloc = 0;
	for (int i = 0; recipient_sources[i]; i++)
		cJSON_ArrayForEach(o, m365_exo_data(recipient_sources[i])) {
			if (!rtd_wanted(o, filter))
				continue;
			if (nr == alloc) {
				alloc = alloc ? 2 * alloc : 256;
				rows = realloc(rows, (size_t)alloc * sizeof(*rows));
				if (!rows)
					abort();
			}
			rows[nr++] = o;
		}
	*n = nr;
	return rows;
}

/* member_cmdlets - a members cmdlet, where its groups live, where their members live */
static const struct { const char *cmdlet, *groups, *members; } member_cmdlets[] = {
	{ "Get-DistributionGroupMember", "Get-DistributionGroup", "Get-DistributionGroupMember" },
	{ "Get-UnifiedGroupLinks", "Get-UnifiedGroup", "Get-UnifiedGroupLinks" },
	{ "Get-DynamicDistributionGroupMember", "Get-DynamicDistributionGroup", "Get-DynamicDistributionGroupMember" },
};

/* bind_error - the 400 a parameter the cmdlet cannot bind gets */
static void bind_error(struct mresp *rs, const char *text)
{
	char *d = mx_fmt("|System.Management.Automation.ParameterBindingException|%s", text);
	m365_exo_error(rs, 400, "BadRequest", "Invalid Operation", d,
		       "System.Management.Automation.ParameterBindingException");
	free(d);
}

/* member_rows - a members cmdlet's rows of the group identity: 0, or 1 when no such group */
static int member_rows(int mc, const char *identity, cJSON *data)
{
	cJSON *g, *grp = NULL, *ps, *m;
	cJSON_ArrayForEach(g, m365_exo_data(member_cmdlets[mc].groups))
		if (m365_matches_identity(g, identity))
			grp = g;
	if (!grp)
		return 1;
	ps = cJSON_GetObjectItem(grp, "PrimarySmtpAddress");
	cJSON_ArrayForEach(m, cJSON_GetObjectItem(m365_exo_data(member_cmdlets[mc].members),
						  cJSON_IsString(ps) ? ps->valuestring : ""))
		cJSON_AddItemToArray(data, cJSON_Duplicate(m, 1));
	return 0;
}

/* select_rows - the rows cmdlet cm returns into data (read lock held): rows
 * outside [off, page_end) are counted, not copied (a 100,000-mailbox
 * benchmark tenant pages Get-Mailbox 100 times). 0, -1 when rs holds a 400,
 * 1 when identity names nothing */
static int select_rows(const struct cmdlet *cm, cJSON *params, const char *identity, long off,
		       long page_end, cJSON *data, struct mresp *rs)
{
	cJSON *rtd = cJSON_GetObjectItem(params, "RecipientTypeDetails"), *lt, *p, **rows;
	long k = 0, nrows = 0;
	int mc = -1;
	for (size_t i = 0; i < sizeof(member_cmdlets) / sizeof(member_cmdlets[0]); i++)
		if (!strcmp(cm->name, member_cmdlets[i].cmdlet))
			mc = (int)i;
	/* Get-UnifiedGroupLinks: -LinkType is mandatory (Members | Owners | Subscribers | Aggregators) */
	lt = cJSON_GetObjectItem(params, "LinkType");
	if (!strcmp(cm->name, "Get-UnifiedGroupLinks") && (!cJSON_IsString(lt) || strcasecmp(lt->valuestring, "Members"))) {
		bind_error(rs, "Cannot process command because of one or more missing mandatory parameters: LinkType.");
		return -1;
	}
	if (!strcmp(cm->name, "Get-Recipient") && rtd_invalid(rtd)) {
		char *t = mx_fmt("Cannot bind parameter 'RecipientTypeDetails'. Cannot convert value \"%s\" to type \"Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails\".",
				 rtd_invalid(rtd));
		bind_error(rs, t);
		free(t);
		return -1;
	}
	if (mc >= 0 && !identity) {
		bind_error(rs, "Cannot process command because of one or more missing mandatory parameters: Identity.");
		return -1;
	}
	if (mc >= 0)
		return member_rows(mc, identity, data);
	if (!strcmp(cm->name, "Get-Recipient")) {
		rows = recipient_rows(rtd, &nrows);
	} else {
		cJSON_ArrayForEach(p, m365_exo_data(cm->name))
			nrows++;
		rows = mx_malloc((size_t)(nrows ? nrows : 1) * sizeof(*rows));
		nrows = 0;
		cJSON_ArrayForEach(p, m365_exo_data(cm->name))
			rows[nrows++] = p;
	}
	for (long r = 0; r < nrows; r++)
		if (!identity || m365_matches_identity(rows[r], identity)) {
			cJSON_AddItemToArray(data, k >= off && k < page_end ? cJSON_Duplicate(rows[r], 1)
									    : cJSON_CreateNull());
			k++;
		}
	free(rows);
	return identity && !k ? 1 : 0;
}

/* annotate - a copy of o with the annotations the real service adds */
static cJSON *annotate(cJSON *o)
{
	cJSON *c = cJSON_CreateObject(), *p;
	cJSON_ArrayForEach(p, o) {
		if (cJSON_IsArray(p)) {
			char *k = mx_fmt("%s@odata.type", p->string);
			cJSON_AddStringToObject(c, k, "#Collection(String)");
			free(k);
		} else if (!strcmp(p->string, "Guid") || !strcmp(p->string, "ExchangeGuid")) {
			char *k = mx_fmt("%s@data.type", p->string);
			cJSON_AddStringToObject(c, k, "System.Guid");
			free(k);
			k = mx_fmt("%s@odata.type", p->string);
			cJSON_AddStringToObject(c, k, "#Guid");
			free(k);
		}
		cJSON_AddItemToObject(c, p->string, cJSON_Duplicate(p, 1));
	}
	return c;
}

/* body_hash - a short digest of the request body (binds nextLinks to it) */
static char *body_hash(const struct mreq *rq)
{
	unsigned char md[32];
	unsigned int n = 0;
	char *s = mx_malloc(17);
	EVP_Digest(rq->body, rq->body_len, md, &n, EVP_sha256(), NULL);
	for (int i = 0; i < 8; i++)
		snprintf(s + 2 * i, 3, "%02x", md[i]);
	return s;
}

/* page_size - Prefer: odata.maxpagesize=N, default 1000, capped by the knob */
static long page_size(const struct mreq *rq)
{
	const char *p = req_header(rq, "Prefer"), *m = p ? strstr(p, "odata.maxpagesize=") : NULL;
	long n = m ? strtol(m + 18, NULL, 10) : 1000, cap = knobs_max_page();
	if (n < 1 || n > 1000)
		n = 1000;
	if (cap > 0 && n > cap)
		n = cap;
	return n;
}

/* m365_exo_handler - POST /adminapi/beta/{tenant}/InvokeCommand */
void m365_exo_handler(struct mreq *rq, struct mresp *rs)
{
	const char *seg = rq->path + strlen("/adminapi/beta/"), *slash = strchr(seg, '/');
	cJSON *in = NULL, *ci, *name, *params, *p, *data, *out, *val;
	const struct cmdlet *cm = NULL;
	const char *identity = NULL, *skip = req_arg(rq, "$skiptoken");
	char *key = NULL, *hash = NULL, *base = NULL, *tenant = NULL;
	long off = 0, psize, total, i;
	int mal, nx, sel;
	char num[32], reset[40];
	time_t now = time(NULL);

	if (!slash || strcmp(slash, "/InvokeCommand") || !m365_tenant_matches(seg, (size_t)(slash - seg), true)) {
		m365_exo_error(rs, 404, "NotFound", "Not found", "|System.Web.HttpException|The tenant or resource was not found.",
			  "System.Web.HttpException");
		return;
	}
	if (strcmp(rq->method, "POST")) {
		resp_text(rs, 405, "text/plain", "");
		return;
	}
	m365_run_mutations();
	if (!m365_check_bearer(rq, "exchange", rs))
		return;
	tenant = strndup(seg, (size_t)(slash - seg));
	in = cJSON_ParseWithLength(rq->body, rq->body_len);
	ci = cJSON_GetObjectItem(in, "CmdletInput");
	name = cJSON_GetObjectItem(ci, "CmdletName");
	params = cJSON_GetObjectItem(ci, "Parameters");
	if (!cJSON_IsString(name)) {
		m365_exo_error(rs, 400, "BadRequest", "Invalid Operation", "|System.ArgumentException|CmdletInput.CmdletName is required.",
			  "System.ArgumentException");
		goto out;
	}
	for (size_t k = 0; k < sizeof(cmdlets) / sizeof(cmdlets[0]); k++)
		if (!strcasecmp(cmdlets[k].name, name->valuestring))
			cm = &cmdlets[k];
	if (cJSON_GetObjectItem(cJSON_GetObjectItem(m365_fixture(), "exchange"), "roles")) {
		bool allowed = false;
		cJSON_ArrayForEach(p, m365_exo_data("roles"))
			allowed |= cJSON_IsString(p) && !strcasecmp(p->valuestring, name->valuestring);
		if (!allowed)
			cm = NULL;
	}
	if (!cm) {
		/* unknown cmdlet or outside the caller's role: 403 with an empty body */
		resp_text(rs, 403, "text/plain", "");
		goto out;
	}
	key = mx_fmt("%s %s", rq->path, cm->name);
	cJSON_ArrayForEach(p, params) {
		bool ok = false;
		for (int k = 0; cm->params[k]; k++)
			ok |= !strcasecmp(cm->params[k], p->string);
		if (!ok) {
			char *d = mx_fmt("|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. %s", p->string);
			m365_exo_error(rs, 400, "BadRequest", "Invalid Operation", d,
				  "Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException");
			free(d);
			goto out;
		}
		if ((!strcasecmp(p->string, "Identity") || !strcasecmp(p->string, "Name")) && cJSON_IsString(p)) {
			char *nk = mx_fmt("%s %s", key, p->valuestring);
			identity = p->valuestring;
			free(key);
			key = nk;
		}
	}
	if (m365_exo_is_write(cm->name)) {
		/* a write: the app's role must allow it (403 with an empty body otherwise),
		 * then the write latency knob, the injected failures, the change itself */
		if (!m365_bearer_may_write(rq, "exchange"))
			resp_text(rs, 403, "text/plain", "");
		else {
			m365_write_pause();
			if (!knobs_inject(key, rs))
				m365_exo_write(cm->name, params, tenant, rs);
		}
		m365_log_write(cm->name, identity, rs->status);
		goto out;
	}
	if (knobs_inject(key, rs))
		goto out;

	hash = body_hash(rq);
	if (skip) {
		unsigned long o;
		char h[17];
		if (sscanf(skip, "S%lxH%16s", &o, h) != 2 || strcmp(h, hash)) {
			m365_exo_error(rs, 400, "BadRequest", "Invalid Operation",
				  "|System.ArgumentException|The request body of a nextLink request must be the body of the original request.",
				  "System.ArgumentException");
			goto out;
		}
		off = (long)o;
	}

	/* the rows */
	data = cJSON_CreateArray();
	m365_state_rdlock();
	sel = select_rows(cm, params, identity, off, off + page_size(rq), data, rs);
	if (sel) {
		m365_state_unlock();
		if (sel > 0)
			goto notfound;
		cJSON_Delete(data);
		goto out;
	}
	m365_state_unlock();
	m365_count_read(key);

	psize = page_size(rq);
	total = cJSON_GetArraySize(data);
	base = mock_base(rq);
	out = cJSON_CreateObject();
	{
		char *ctx = mx_fmt("%s/adminapi/beta/%s/$metadata#Collection(Exchange.GenericHashTable)", base, tenant);
		cJSON_AddStringToObject(out, "@odata.context", ctx);
		free(ctx);
	}
	cJSON_AddStringToObject(out, "adminapi.warnings@odata.type", "#Collection(String)");
	{
		cJSON *w = cJSON_AddArrayToObject(out, "@adminapi.warnings");
		cJSON *rsz = cJSON_GetObjectItem(params, "ResultSize");
		if (cJSON_IsNumber(rsz) && rsz->valuedouble < total) {
			cJSON_AddItemToArray(w, cJSON_CreateString("There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter."));
			total = (long)rsz->valuedouble;
		}
	}
	/* knob "next": a server paging loop (issue 13 observed 803 pages in 40 s
	 * live); the documented contract is only "follow until no nextLink"
	 * (m365.md §3.4), so a client must bound the chain itself */
	nx = knobs_next(key);
	if (off + psize < total || nx) {
		char *link = mx_fmt("%s/adminapi/beta/%s/InvokeCommand?$skiptoken=S%lxH%s", base, tenant,
				    (unsigned long)(nx == 1 ? psize : off + psize), hash);
		cJSON_AddStringToObject(out, "@odata.nextLink", link);
		free(link);
	}
	val = cJSON_AddArrayToObject(out, "value");
	{
		cJSON *row = cJSON_GetArrayItem(data, (int)off);   /* walk the page, no lookup per row */
		for (i = off; row && i < off + psize && i < total; i++, row = row->next)
			cJSON_AddItemToArray(val, annotate(row));
	}
	cJSON_Delete(data);
	resp_json(rs, 200, out);

	pthread_mutex_lock(&rmu);
	snprintf(num, sizeof(num), "%ld", remaining > 0 ? --remaining : 0);
	pthread_mutex_unlock(&rmu);
	strftime(reset, sizeof(reset), "%Y-%m-%dT%H:%M:%S.000Z", gmtime(&now));
	resp_header(rs, "Rate-Limit-Limit", "30000");
	resp_header(rs, "Rate-Limit-Remaining", num);
	resp_header(rs, "Rate-Limit-Reset", reset);
	resp_header(rs, "OData-Version", "4.0");
	resp_header(rs, "X-CalculatedBETarget", "MOCKPR01MB0001.PROD.OUTLOOK.COM");
	mal = knobs_malformed(key);
	if (mal == 1 && rs->body_len > 2) {
		rs->body_len /= 2;
		rs->body[rs->body_len] = '\0';
	} else if (mal == 2) {
		resp_text(rs, 200, "application/json", "<html><body>Service Unavailable</body></html>");
	}
	goto out;
notfound:
	cJSON_Delete(data);
	{
		char *d = mx_fmt("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|The operation couldn't be performed because object '%s' couldn't be found on 'MOCKPR01A001DC001.PROD.OUTLOOK.COM'.", identity);
		m365_exo_error(rs, 404, "NotFound", "Error executing cmdlet", d,
			  "Microsoft.Exchange.Management.PSDirectInvoke.DirectInvokeCmdletExecutionException");
		free(d);
	}
out:
	cJSON_Delete(in);
	free(key);
	free(hash);
	free(base);
	free(tenant);
}
