/*
 * m365_collect.h - the parts of one Microsoft 365 collection, shared by the
 * files that do it: m365_request.c (Graph and Exchange admin API requests,
 * pager callbacks), m365_recipients.c (every kind of recipient, ForwardingAddress
 * resolution, round 2: group members), m365_mailboxes.c (round 3: inbox rules
 * and mailbox settings through Graph $batch), m365_collect.c (the rounds).
 */
#ifndef ALIASAUDIT_M365_COLLECT_H
#define ALIASAUDIT_M365_COLLECT_H

#include "m365.h"

/* ---- m365_request.c ---- */

/* m365_exo_request - an InvokeCommand request for cmdlet with params (taken; may be NULL) */
struct http_request *m365_exo_request(struct m365_session *ms, const char *cmdlet, cJSON *params);
/* m365_graph_request - a GET of path (with query) under graph_url */
struct http_request *m365_graph_request(struct m365_session *ms, const char *path);
/* m365_keep_item - pager callback: keep a copy of each object item in the array ctx */
int m365_keep_item(void *ctx, cJSON *item, char **err);
/* m365_keep_mailbox - pager callback: keep the mapped properties of a Get-Mailbox row */
int m365_keep_mailbox(void *ctx, cJSON *item, char **err);

/* ---- m365_recipients.c ---- */

/* row_index - Exchange rows sorted by ExternalDirectoryObjectId ("i:") and
 * UserPrincipalName/WindowsLiveID ("u:"), so a Graph user finds its row
 * without a scan (a linear scan per user was quadratic at 100,000) */
struct row_key {
	char *key;
	const cJSON *row;
	size_t ord;          /* the row's position in its array */
};
struct row_index {
	struct row_key *k;
	size_t n, nr_rows;
	bool *used;          /* rows a Graph user took */
};

/* row_index_build - index the rows of arr (an array, borrowed) */
void row_index_build(struct row_index *ix, const cJSON *arr);
void row_index_release(struct row_index *ix);
/* row_find_user - the indexed row of a Graph user (object id, else UPN), or NULL */
const cJSON *row_find_user(const struct row_index *ix, const cJSON *user);
/* row_of_user - the indexed row of a Graph user (object id, else UPN), marked used; or NULL */
const cJSON *row_of_user(struct row_index *ix, const cJSON *user);

/* the Get-Recipient read of round 1: every recipient that is not a mailbox
 * (m365_recipient_kinds lists the RecipientTypeDetails values) */
cJSON *m365_recipient_params(void);

/* recipients_in - what round 1 read, for mapping recipients */
struct recipients_in {
	cJSON *users;          /* Graph /users (NULL: not read) */
	cJSON *mailboxes;      /* Get-Mailbox rows (NULL: not read) */
	cJSON *others;         /* Get-Recipient rows (NULL: not read) */
	cJSON **members;       /* members[i] for group row i of others (NULL: unread) */
	const char **addr_of;  /* out: the recipient address of users[i] (NULL: none) */
	struct row_index mbx;  /* out: the mailbox index (round 3 uses it) */
};

/* m365_read_members - round 2: the members of each group row of in->others */
int m365_read_members(struct m365_session *ms, struct snapshot *s, struct recipients_in *in, char **err);
/* m365_map_recipients - users (with their mailbox or mail-user row), groups,
 * contacts and mail users without a Graph user, into b */
void m365_map_recipients(struct m365_build *b, struct recipients_in *in);
/* m365_map_mailbox_forwards - each mailbox's ForwardingAddress/ForwardingSmtpAddress */
void m365_map_mailbox_forwards(struct m365_build *b, const struct recipients_in *in);
void m365_recipients_release(struct recipients_in *in);

/* ---- m365_mailboxes.c ---- */

/* m365_read_mailboxes - round 3: inbox rules and settings of every mailbox
 * user (0, or -1 with *err when a credential failed) */
int m365_read_mailboxes(struct m365_session *ms, struct m365_build *b, const struct recipients_in *in,
			bool mailboxes_known, char **err);

#endif
