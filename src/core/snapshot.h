/*
 * snapshot.h - the provider-neutral snapshot of one tenant (schema
 * "aliasaudit.snapshot/1", documented in docs/snapshot.md).
 *
 * Providers fill a snapshot; checks only ever read snapshots. Every string and
 * array hangs off the snapshot's arena and is freed by snapshot_free().
 *
 * Absent versus empty matters: a section or field the provider could not read
 * is absent (has_* false, or TRI_UNSET), and checks that need it report "not
 * evaluated" instead of passing. Addresses are stored as read (original
 * spelling); comparisons are case-insensitive (see addr.h).
 */
#ifndef ALIASAUDIT_SNAPSHOT_H
#define ALIASAUDIT_SNAPSHOT_H

#include "base/arena.h"

#include <stdbool.h>
#include <stddef.h>

#define SNAPSHOT_SCHEMA "aliasaudit.snapshot/1"
/* largest snapshot file we read */
#define SNAPSHOT_MAX_BYTES ((size_t)1 << 30) /* 3x the 1,000,000-recipient benchmark file */

enum tristate { TRI_UNSET = -1, TRI_FALSE = 0, TRI_TRUE = 1 };

/* "external-relay" (v1 extension): Exchange ExternalRelay. Both relay kinds
 * pass an address no recipient has onward instead of refusing it. */
enum domain_type { DOM_AUTHORITATIVE, DOM_INTERNAL_RELAY, DOM_ALIAS, DOM_EXTERNAL_RELAY };
/* "mail-user" (v1 extension): a recipient whose mail goes to an external
 * address (Exchange MailUser/GuestMailUser, a guest, a hybrid remote mailbox
 * when external_address is set) */
enum recipient_kind { RK_USER, RK_SHARED, RK_GROUP, RK_CONTACT, RK_RESOURCE, RK_MAIL_USER };
/* groups' kind (v1 extension "group_kind"); GK_UNSET when not said */
enum group_kind { GK_UNSET = 0, GK_DISTRIBUTION, GK_SECURITY, GK_MICROSOFT365, GK_DYNAMIC };
/* an inbox or transport rule's action (v1 extension "action"); FA_UNSET when not said */
enum forward_action { FA_UNSET = 0, FA_FORWARD, FA_REDIRECT, FA_FORWARD_AS_ATTACHMENT };
enum forward_via {
	VIA_MAILBOX, VIA_INBOX_RULE, VIA_TRANSPORT_RULE,
	VIA_GMAIL_AUTOFORWARD, VIA_GMAIL_FILTER, VIA_ROUTING,
};
enum forwarding_mode { FWD_MODE_AUTOMATIC, FWD_MODE_ON, FWD_MODE_OFF };
enum catch_all_scope { CATCHALL_UNKNOWN_ONLY, CATCHALL_ALL };

/* snapshot_error - one thing the provider could not read.
 * area (optional): which section is affected: "domains", "recipients",
 * "forwards", "auto_replies", "send_as", or "policy.<field>".
 * address (optional): the one mailbox the failure is limited to. */
struct snapshot_error {
	const char *object, *message, *area, *address;
};

struct snapshot_domain {
	const char *name;
	enum domain_type type;
	bool primary;
};

struct snapshot_recipient {
	const char *address;
	enum recipient_kind kind;
	enum tristate enabled;     /* TRI_UNSET: not read (treated as enabled) */
	enum tristate has_mailbox; /* TRI_UNSET: not read */
	const char **aliases; size_t nr_aliases;
	const char **members; size_t nr_members; /* groups only */
	const char *org_unit, *id, *name;
	/* v1 extensions (optional; docs/snapshot.md) */
	enum group_kind group_kind;   /* groups only */
	const char *external_address; /* mail users, guests, contacts: where mail goes */
	bool guest;                   /* a guest (Graph userType Guest, EXO GuestMailUser) */
	bool remote_mailbox;          /* hybrid: the mailbox lives on premises */
};

struct snapshot_forward {
	const char *from;
	const char **to; size_t nr_to;
	enum forward_via via;
	bool keep_copy, enabled, conditional;
	const char *name, *id;
	/* v1 extensions (optional; docs/snapshot.md) */
	enum forward_action action;   /* inbox and transport rules */
};

struct snapshot_auto_reply {
	const char *address;
	bool enabled;
	enum tristate external;
};

struct snapshot_send_as {
	const char *owner, *address;
	enum tristate treat_as_alias, verified;
	bool primary; /* the account's own primary address */
};

struct outbound_policy {
	const char *name;
	enum forwarding_mode mode;
	bool is_default;
	long priority;
	const char **users; size_t nr_users;
	const char **groups; size_t nr_groups;
	const char **domains; size_t nr_domains;
	/* v1 extensions: ExceptIfFrom / ExceptIfFromMemberOf / ExceptIfSenderDomainIs.
	 * Condition types combine with AND, exceptions with OR (Exchange rule
	 * semantics); groups are matched with nested membership. */
	const char **except_users; size_t nr_except_users;
	const char **except_groups; size_t nr_except_groups;
	const char **except_domains; size_t nr_except_domains;
};

struct remote_domain {
	const char *domain; /* "*" is the default remote domain */
	bool auto_forward;
};

struct ou_forwarding {
	const char *org_unit;
	bool enabled;
	/* v1 extension: a group-scoped policy (Policy API policyQuery.group):
	 * applies to the group's members above their OU's policy */
	const char *group;
};

struct catch_all {
	const char *domain, *target;
	enum catch_all_scope scope;
	const char *source, *name;
};

struct snapshot_policy {
	enum tristate send_from_alias;
	enum tristate plus_addressing;
	bool has_outbound_forwarding;
	struct outbound_policy *outbound_forwarding; size_t nr_outbound_forwarding;
	bool has_remote_domains;
	struct remote_domain *remote_domains; size_t nr_remote_domains;
	bool has_auto_forwarding_ou;
	struct ou_forwarding *auto_forwarding_ou; size_t nr_auto_forwarding_ou;
	bool has_catch_all;
	struct catch_all *catch_all; size_t nr_catch_all;
};

struct snapshot {
	struct arena arena;
	const char *source;   /* file name for messages ("<live>" when collected) */
	const char *tenant, *provider, *collected_at;
	bool complete;
	struct snapshot_error *errors; size_t nr_errors;
	struct snapshot_domain *domains; size_t nr_domains;
	struct snapshot_recipient *recipients; size_t nr_recipients;
	/* an incomplete snapshot left the section out (never read): nothing is
	 * concluded from its absence (snapshot_area_failed says so) */
	bool domains_absent, recipients_absent;
	bool has_forwards;
	struct snapshot_forward *forwards; size_t nr_forwards;
	bool has_auto_replies;
	struct snapshot_auto_reply *auto_replies; size_t nr_auto_replies;
	bool has_send_as;
	struct snapshot_send_as *send_as; size_t nr_send_as;
	struct snapshot_policy policy;
};

/* snapshot_new - an empty snapshot (complete, nothing read yet); free with snapshot_free */
struct snapshot *snapshot_new(const char *tenant, const char *provider);
void snapshot_free(struct snapshot *s);

/* snapshot_read_file - parse path ("-" for stdin) into *out.
 * Returns 0, or -1 with a one-line message in *err naming the file and JSON
 * path ("contoso.json: recipients[3].address: missing"); caller frees *err. */
int snapshot_read_file(const char *path, struct snapshot **out, char **err);
/* snapshot_parse - the same from a buffer; name is used in messages */
int snapshot_parse(const char *name, const char *buf, size_t len,
		   struct snapshot **out, char **err);
/* snapshot_write_file - write s as JSON (mode 0600); 0 or -1 with *err */
int snapshot_write_file(const struct snapshot *s, const char *path, char **err);
/* snapshot_to_json - s as a JSON text (caller frees) */
char *snapshot_to_json(const struct snapshot *s);

/* snapshot_add_error - record a collection failure; marks the snapshot incomplete.
 * area and address may be NULL. Strings are copied into the arena. */
void snapshot_add_error(struct snapshot *s, const char *object, const char *message,
			const char *area, const char *address);
/* snapshot_copy_array - nr elements of size bytes from src, copied into s's
 * arena (never NULL); providers build arrays on the heap, then hand them over */
void *snapshot_copy_array(struct snapshot *s, const void *src, size_t nr, size_t size);
#define SNAPSHOT_SET_ARRAY(s, field, nrfield, src, nr) do { \
		(s)->field = snapshot_copy_array((s), (src), (nr), sizeof(*(s)->field)); \
		(s)->nrfield = (nr); \
	} while (0)

/* snapshot_area_failed - true if an error covers area (for address, when given:
 * an error for that address or one for the whole area), if an error names no
 * area (it may cover any), or if the section was left out of an incomplete
 * snapshot ("domains", "recipients") */
bool snapshot_area_failed(const struct snapshot *s, const char *area, const char *address);

/* name tables for the enums (used by reader, writer and reports) */
const char *domain_type_name(enum domain_type t);
const char *recipient_kind_name(enum recipient_kind k);
const char *forward_via_name(enum forward_via v);
const char *forwarding_mode_name(enum forwarding_mode m);
const char *catch_all_scope_name(enum catch_all_scope s);
const char *group_kind_name(enum group_kind k);     /* NULL for GK_UNSET */
const char *forward_action_name(enum forward_action a); /* NULL for FA_UNSET */
/* *_parse - name to enum; -1 when unknown */
int domain_type_parse(const char *s);
int recipient_kind_parse(const char *s);
int forward_via_parse(const char *s);
int forwarding_mode_parse(const char *s);
int catch_all_scope_parse(const char *s);
int group_kind_parse(const char *s);     /* never GK_UNSET; -1 when unknown */
int forward_action_parse(const char *s); /* never FA_UNSET; -1 when unknown */

#endif
