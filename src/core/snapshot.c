/*
 * snapshot.c - snapshot life cycle, collection errors and the enum name tables.
 * Reading and writing JSON live in snapshot_read.c and snapshot_write.c.
 */
#include "core/snapshot.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

struct snapshot *snapshot_new(const char *tenant, const char *provider)
{
	struct snapshot *s = xcalloc(1, sizeof(*s));
	s->tenant = arena_strdup(&s->arena, tenant);
	s->provider = arena_strdup(&s->arena, provider);
	s->source = "<live>";
	s->complete = true;
	s->policy.send_from_alias = TRI_UNSET;
	s->policy.plus_addressing = TRI_UNSET;
	return s;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	arena_release(&s->arena);
	free(s);
}

void snapshot_add_error(struct snapshot *s, const char *object, const char *message,
			const char *area, const char *address)
{
	/* errors are few: grow the arena copy one at a time */
	struct snapshot_error *e = arena_alloc(&s->arena, (s->nr_errors + 1) * sizeof(*e));
	if (s->nr_errors)
		memcpy(e, s->errors, s->nr_errors * sizeof(*e));
	s->errors = e;
	e = &s->errors[s->nr_errors++];
	e->object = arena_strdup(&s->arena, object);
	e->message = arena_strdup(&s->arena, message);
	e->area = arena_strdup(&s->arena, area);
	e->address = arena_strdup(&s->arena, address);
	s->complete = false;
}

void *snapshot_copy_array(struct snapshot *s, const void *src, size_t nr, size_t size)
{
	void *p = arena_alloc(&s->arena, (nr ? nr : 1) * size);
	if (nr)
		memcpy(p, src, nr * size);
	return p;
}

bool snapshot_area_failed(const struct snapshot *s, const char *area, const char *address)
{
	if ((s->recipients_absent && !strcmp(area, "recipients")) ||
	    (s->domains_absent && !strcmp(area, "domains")))
		return true;
	for (size_t i = 0; i < s->nr_errors; i++) {
		const struct snapshot_error *e = &s->errors[i];
		if (!e->area) {
			/* an unclassified error could cover anything */
			return true;
		}
		if (strcmp(e->area, area))
			continue;
		if (!e->address || (address && str_eq_nocase(e->address, address)))
			return true;
		if (!address)
			return true;
	}
	return false;
}

#define NAME_TABLE(fn, pfn, type, ...) \
	static const char *const fn##_names[] = { __VA_ARGS__ }; \
	const char *fn(type v) \
	{ \
		return (unsigned)v < ARRAY_SIZE(fn##_names) ? fn##_names[v] : "?"; \
	} \
	int pfn(const char *s) \
	{ \
		for (size_t i = 0; s && i < ARRAY_SIZE(fn##_names); i++) \
			if (!strcmp(s, fn##_names[i])) \
				return (int)i; \
		return -1; \
	}

NAME_TABLE(domain_type_name, domain_type_parse, enum domain_type,
	   "authoritative", "internal-relay", "alias", "external-relay")
NAME_TABLE(recipient_kind_name, recipient_kind_parse, enum recipient_kind,
	   "user", "shared", "group", "contact", "resource", "mail-user")
NAME_TABLE(forward_via_name, forward_via_parse, enum forward_via,
	   "mailbox", "inbox-rule", "transport-rule", "gmail-autoforward", "gmail-filter", "routing")
NAME_TABLE(forwarding_mode_name, forwarding_mode_parse, enum forwarding_mode,
	   "automatic", "on", "off")
NAME_TABLE(catch_all_scope_name, catch_all_scope_parse, enum catch_all_scope,
	   "unknown-only", "all")
/* group_kind and forward_action: index 0 is "not said" (zeroed structs) */
static const char *const group_kind_names[] = { NULL, "distribution", "security", "microsoft365", "dynamic" };
static const char *const forward_action_names[] = { NULL, "forward", "redirect", "forward-as-attachment" };

static int parse_from(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 1; s && i < n; i++)
		if (!strcmp(s, names[i]))
			return (int)i;
	return -1;
}

const char *group_kind_name(enum group_kind k)
{
	return (unsigned)k < ARRAY_SIZE(group_kind_names) ? group_kind_names[k] : NULL;
}

int group_kind_parse(const char *s)
{
	return parse_from(group_kind_names, ARRAY_SIZE(group_kind_names), s);
}

const char *forward_action_name(enum forward_action a)
{
	return (unsigned)a < ARRAY_SIZE(forward_action_names) ? forward_action_names[a] : NULL;
}

int forward_action_parse(const char *s)
{
	return parse_from(forward_action_names, ARRAY_SIZE(forward_action_names), s);
}
