/*
 * m365_recipients.c - every kind of Microsoft 365 recipient. Round 1 reads
 * mailboxes with Get-Mailbox (for their forwarding) and every other
 * recipient with ONE Get-Recipient filtered by RecipientTypeDetails: groups
 * of all four kinds, contacts, mail users, guests and hybrid remote
 * mailboxes. Get-DistributionGroup returns no Microsoft 365 group, and
 * Get-Recipient returns them only when -RecipientTypeDetails names
 * GroupMailbox (learn.microsoft.com powershell/module/exchange/get-recipient);
 * the parameter takes a list, which InvokeCommand carries as a JSON array as
 * CIPP does (New-ExoRequest Get-Mailbox -cmdParams @{RecipientTypeDetails =
 * @("UserMailbox", "SharedMailbox")}). Round 2 reads each group's members
 * with the cmdlet of its kind. Graph users are joined to their Exchange row
 * by object id (ExternalDirectoryObjectId), else UPN.
 */
#include "m365_collect.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

/* the RecipientTypeDetails read by Get-Recipient (everything but mailboxes) */
static const char *const recipient_kinds[] = {
	"MailUniversalDistributionGroup", "MailUniversalSecurityGroup", "MailNonUniversalGroup",
	"RoomList", "GroupMailbox", "DynamicDistributionGroup", "MailContact", "MailForestContact",
	"MailUser", "GuestMailUser", "RemoteUserMailbox", "RemoteSharedMailbox", "RemoteRoomMailbox",
	"RemoteEquipmentMailbox", "RemoteTeamMailbox", NULL,
};

/* m365_recipient_params - see m365_collect.h */
cJSON *m365_recipient_params(void)
{
	cJSON *p = cJSON_CreateObject(), *k = cJSON_AddArrayToObject(p, "RecipientTypeDetails");
	for (int i = 0; recipient_kinds[i]; i++)
		cJSON_AddItemToArray(k, cJSON_CreateString(recipient_kinds[i]));
	cJSON_AddStringToObject(p, "ResultSize", "Unlimited");
	return p;
}

/* key_cmp - qsort/bsearch order of row_key */
static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct row_key *)a)->key, ((const struct row_key *)b)->key);
}

/* row_index_build - see m365_collect.h */
void row_index_build(struct row_index *ix, const cJSON *arr)
{
	size_t n = (size_t)cJSON_GetArraySize(arr), ord = 0;
	const cJSON *m;
	ix->k = xcalloc(2 * n + 1, sizeof(*ix->k));
	ix->used = xcalloc(n + 1, sizeof(*ix->used));
	ix->n = 0;
	ix->nr_rows = n;
	cJSON_ArrayForEach(m, arr) {
		const char *x = m365_json_str(m, "ExternalDirectoryObjectId");
		const char *u = m365_json_str(m, "UserPrincipalName");
		if (!u)
			u = m365_json_str(m, "WindowsLiveID");
		/* ids and UPNs cannot collide: a UPN has an @, a prefix keeps them apart anyway */
		if (x)
			ix->k[ix->n++] = (struct row_key){ lowercase_ascii(xstrfmt("i:%s", x)), m, ord };
		if (u)
			ix->k[ix->n++] = (struct row_key){ lowercase_ascii(xstrfmt("u:%s", u)), m, ord };
		ord++;
	}
	qsort(ix->k, ix->n, sizeof(*ix->k), key_cmp);
}

/* row_index_release - see m365_collect.h */
void row_index_release(struct row_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->k[i].key);
	free(ix->k);
	free(ix->used);
	memset(ix, 0, sizeof(*ix));
}

/* find_key - the entry for "<prefix><v>", or NULL */
static struct row_key *find_key(const struct row_index *ix, const char *prefix, const char *v)
{
	struct row_key want, *hit;
	if (!v || !ix->n)
		return NULL;
	want.key = lowercase_ascii(xstrfmt("%s%s", prefix, v));
	hit = bsearch(&want, ix->k, ix->n, sizeof(*ix->k), key_cmp);
	free(want.key);
	return hit;
}

/* row_find_user - see m365_collect.h */
const cJSON *row_find_user(const struct row_index *ix, const cJSON *user)
{
	struct row_key *k = find_key(ix, "i:", m365_json_str(user, "id"));
	if (!k)
		k = find_key(ix, "u:", m365_json_str(user, "userPrincipalName"));
	return k ? k->row : NULL;
}

/* row_of_user - see m365_collect.h */
const cJSON *row_of_user(struct row_index *ix, const cJSON *user)
{
	struct row_key *k = find_key(ix, "i:", m365_json_str(user, "id"));
	if (!k)
		k = find_key(ix, "u:", m365_json_str(user, "userPrincipalName"));
	if (!k)
		return NULL;
	ix->used[k->ord] = true;
	return k->row;
}

/* class_of - the class of an Exchange row (*gk: a group's kind, may be NULL) */
static enum m365_rclass class_of(const cJSON *o, enum group_kind *gk)
{
	return m365_recipient_class(m365_json_str(o, "RecipientTypeDetails"), gk);
}

/* member_cmdlet - the cmdlet that lists the members of a group of kind gk */
static const char *member_cmdlet(enum group_kind gk, cJSON *params)
{
	if (gk == GK_MICROSOFT365) {
		/* Get-UnifiedGroupLinks -LinkType Members (mandatory parameter) */
		cJSON_AddStringToObject(params, "LinkType", "Members");
		return "Get-UnifiedGroupLinks";
	}
	/* the service computes a dynamic group's members (refreshed daily) */
	return gk == GK_DYNAMIC ? "Get-DynamicDistributionGroupMember" : "Get-DistributionGroupMember";
}

/* m365_read_members - see m365_collect.h */
int m365_read_members(struct m365_session *ms, struct snapshot *s, struct recipients_in *in, char **err)
{
	size_t n = (size_t)cJSON_GetArraySize(in->others), i = 0, np = 0;
	struct odata_pager *p = xcalloc(n ? n : 1, sizeof(*p));
	size_t *row = xcalloc(n ? n : 1, sizeof(*row));
	const cJSON *g;
	int ret = 0;
	in->members = xcalloc(n ? n : 1, sizeof(*in->members));
	cJSON_ArrayForEach(g, in->others) {
		enum group_kind gk;
		cJSON *params;
		const char *id = m365_json_str(g, "Guid") ? m365_json_str(g, "Guid")
							  : m365_json_str(g, "PrimarySmtpAddress");
		if (class_of(g, &gk) != RC_GROUP) {
			i++;
			continue;
		}
		params = cJSON_CreateObject();
		cJSON_AddStringToObject(params, "Identity", id ? id : "");
		cJSON_AddStringToObject(params, "ResultSize", "Unlimited");
		in->members[i] = cJSON_CreateArray();
		p[np].tmpl = m365_exo_request(ms, member_cmdlet(gk, params), params);
		p[np].repost = true;
		p[np].each = m365_keep_item;
		p[np].ctx = in->members[i];
		row[np++] = i++;
	}
	odata_pager_run(ms->http, p, np);
	for (size_t k = 0; k < np; k++) {
		if (p[k].auth_failed && !ret) {
			*err = xstrdup(p[k].error);
			ret = -1;
		}
		if (p[k].error) {
			const char *addr = m365_json_str(cJSON_GetArrayItem(in->others, (int)row[k]),
							 "PrimarySmtpAddress");
			char *obj = xstrfmt("members of group %s", addr ? addr : "?");
			snapshot_add_error(s, obj, p[k].error, "recipients", addr);
			free(obj);
			cJSON_Delete(in->members[row[k]]);
			in->members[row[k]] = NULL;
		}
		odata_pager_release(&p[k]);
		http_request_free(p[k].tmpl);
	}
	free(p);
	free(row);
	return ret;
}

/* map_users - Graph users with their mailbox, or mail-user row (marked used) */
static void map_users(struct m365_build *b, struct recipients_in *in, struct row_index *rix)
{
	size_t n = (size_t)cJSON_GetArraySize(in->users), i = 0;
	bool known = in->mailboxes && in->others;
	const cJSON *u;
	in->addr_of = xcalloc(n ? n : 1, sizeof(*in->addr_of));
	cJSON_ArrayForEach(u, in->users) {
		const cJSON *mbx = in->mailboxes ? row_find_user(&in->mbx, u) : NULL;
		const cJSON *rc = !mbx && in->others ? row_of_user(rix, u) : NULL;
		char *e = NULL;
		if (rc && class_of(rc, NULL) != RC_MAIL_USER)
			rc = NULL;  /* a group or contact is never a user */
		/* without both lists a user without a mailbox may still be a mail user: unknown */
		if (m365_add_user(b, u, mbx, rc, known, &e) < 0) {
			snapshot_add_error(b->s, "a user", e, "recipients", NULL);
			free(e);
		} else {
			in->addr_of[i] = b->rcp[b->nr_rcp - 1].address;
		}
		i++;
	}
}

/* m365_map_recipients - see m365_collect.h */
void m365_map_recipients(struct m365_build *b, struct recipients_in *in)
{
	struct row_index rix = { 0 };
	const cJSON *o;
	size_t i = 0;
	if (in->mailboxes)
		row_index_build(&in->mbx, in->mailboxes);
	if (in->others)
		row_index_build(&rix, in->others);
	if (in->users)
		map_users(b, in, &rix);
	cJSON_ArrayForEach(o, in->others) {
		char *e = NULL;
		int rc = 0;
		switch (class_of(o, NULL)) {
		case RC_GROUP:
			rc = m365_add_group(b, o, in->members ? in->members[i] : NULL, &e);
			break;
		case RC_CONTACT:
			rc = m365_add_contact(b, o, &e);
			break;
		case RC_MAIL_USER:
			/* a mail user no Graph user took (e.g. /users could not be read) */
			if (!rix.used[i])
				rc = m365_add_mail_user(b, o, &e);
			break;
		default:
			break;  /* a mailbox kind: Get-Mailbox's */
		}
		if (rc < 0) {
			snapshot_add_error(b->s, "a recipient (Get-Recipient)", e, "recipients", NULL);
			free(e);
		}
		i++;
	}
	row_index_release(&rix);
}

/* ident_match - o answers to identity (Name, Alias, DisplayName, Identity, Guid, address) */
static bool ident_match(const cJSON *o, const char *id)
{
	static const char *const keys[] = { "Identity", "Name", "Alias", "DisplayName", "Guid",
					     "PrimarySmtpAddress", "ExternalDirectoryObjectId",
					     "UserPrincipalName", "WindowsLiveID", NULL };
	for (int i = 0; keys[i]; i++) {
		const char *v = m365_json_str(o, keys[i]);
		if (v && str_eq_nocase(v, id))
			return true;
	}
	return false;
}

/* resolve_identity - a ForwardingAddress identity to an SMTP address (caller
 * frees): the recipient it names may be of any kind (Get-Mailbox
 * ForwardingAddress is a recipient identity, m365.md §3.7). A mail user or
 * guest resolves to its own address (its recipient then leads outside), a
 * contact to its external address (the contact's recipient address). */
static char *resolve_identity(void *ctx, const char *id)
{
	const struct recipients_in *in = ctx;
	const cJSON *o;
	cJSON_ArrayForEach(o, in->mailboxes)
		if (ident_match(o, id) && m365_json_str(o, "PrimarySmtpAddress"))
			return xstrdup(m365_json_str(o, "PrimarySmtpAddress"));
	cJSON_ArrayForEach(o, in->others) {
		const char *ps = m365_json_str(o, "PrimarySmtpAddress");
		char *ext;
		if (!ident_match(o, id))
			continue;
		ext = m365_smtp_value(m365_json_str(o, "ExternalEmailAddress"));
		if (class_of(o, NULL) == RC_CONTACT && ext)
			return ext;
		if (ps) {
			free(ext);
			return xstrdup(ps);
		}
		if (ext)
			return ext;
	}
	return NULL;
}

/* m365_map_mailbox_forwards - see m365_collect.h */
void m365_map_mailbox_forwards(struct m365_build *b, const struct recipients_in *in)
{
	const cJSON *m;
	cJSON_ArrayForEach(m, in->mailboxes) {
		char *e = NULL;
		if (m365_add_mailbox_forward(b, m, resolve_identity, (void *)in, &e) < 0) {
			const char *a = m365_json_str(m, "PrimarySmtpAddress");
			char *obj = xstrfmt("forwarding of mailbox %s", a ? a : "?");
			snapshot_add_error(b->s, obj, e, "forwards", a);
			free(obj);
			free(e);
		}
	}
}

/* m365_recipients_release - see m365_collect.h */
void m365_recipients_release(struct recipients_in *in)
{
	size_t n = (size_t)cJSON_GetArraySize(in->others);
	for (size_t i = 0; in->members && i < n; i++)
		cJSON_Delete(in->members[i]);
	free(in->members);
	free(in->addr_of);
	row_index_release(&in->mbx);
	in->members = NULL;
	in->addr_of = NULL;
}
