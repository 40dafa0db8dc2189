/*
 * snapshot_write.c - struct snapshot to JSON text (schema aliasaudit.snapshot/1,
 * documented in docs/snapshot.md).
 *
 * Public: snapshot_to_json, snapshot_write_file.
 *
 * The output reads back into the same model (snapshot_read.c): a section
 * that is absent (has_* false) and a tristate that is TRI_UNSET are left out,
 * never written as empty or false. Keys come in a fixed order, one array
 * element per line, so two snapshots of the same tenant diff cleanly.
 *
 * Every value is encoded by cJSON, one element at a time, so a
 * million-recipient snapshot never needs a cJSON tree of the whole file;
 * snapshot_write_file flushes to disk every OUT_FLUSH bytes.
 *
 * snapshot_write_file writes a temporary file (mode 0600) in the target's
 * directory, fsyncs it and renames it over the target, so a reader sees the
 * old snapshot or the new one, never half of one.
 */
#include "core/snapshot.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define OUT_FLUSH (1u << 20)

struct out {
	struct strbuf sb;
	int fd;       /* -1: keep everything in sb */
	int err;      /* errno of the first failed write */
};

/* must - a cJSON result that may only be NULL when memory ran out */
static void *must(void *p)
{
	if (!p)
		oom();
	return p;
}

/* flush - write sb to fd once it is big enough (or always when force) */
static void flush(struct out *o, bool force)
{
	size_t off = 0;
	if (o->fd < 0 || (!force && o->sb.len < OUT_FLUSH))
		return;
	while (!o->err && off < o->sb.len) {
		ssize_t w = write(o->fd, o->sb.buf + off, o->sb.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			o->err = w < 0 ? errno : EIO;
			break;
		}
		off += (size_t)w;
	}
	strbuf_reset(&o->sb);
}

/* put_value - append v as compact JSON and delete it */
static void put_value(struct out *o, cJSON *v)
{
	char *text = must(cJSON_PrintUnformatted(v));
	strbuf_puts(&o->sb, text);
	free(text);
	cJSON_Delete(v);
	flush(o, false);
}

/* put_member - append "  key": value, (the caller writes separators) */
static void put_member(struct out *o, const char *indent, const char *key, cJSON *v)
{
	strbuf_putf(&o->sb, "%s\"%s\": ", indent, key);
	put_value(o, v);
}

/* add_str - obj.key = s (skipped when s is NULL); s is referenced, not copied */
static void add_str(cJSON *obj, const char *key, const char *s)
{
	if (s)
		cJSON_AddItemToObjectCS(obj, key, must(cJSON_CreateStringReference(s)));
}

/* add_bool - obj.key = b */
static void add_bool(cJSON *obj, const char *key, bool b)
{
	cJSON_AddItemToObjectCS(obj, key, must(cJSON_CreateBool(b)));
}

/* add_tri - obj.key = t, left out when TRI_UNSET */
static void add_tri(cJSON *obj, const char *key, enum tristate t)
{
	if (t != TRI_UNSET)
		add_bool(obj, key, t == TRI_TRUE);
}

/* add_integer - obj.key = n, exactly: cJSON prints doubles with 15 significant
 * digits when that is "close enough", which can change a large integer */
static void add_integer(cJSON *obj, const char *key, long n)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld", n);
	cJSON_AddItemToObjectCS(obj, key, must(cJSON_CreateRaw(buf)));
}

/* add_strs - obj.key = [strings]; left out when empty unless always */
static void add_strs(cJSON *obj, const char *key, const char *const *v, size_t n, bool always)
{
	if (!n && !always)
		return;
	cJSON *arr = must(cJSON_CreateArray());
	for (size_t i = 0; i < n; i++)
		cJSON_AddItemToArray(arr, must(cJSON_CreateStringReference(v[i])));
	cJSON_AddItemToObjectCS(obj, key, arr);
}

typedef cJSON *(*elem_fn)(const void *elem);

/* put_array - "key": [ one element per line ] */
static void put_array(struct out *o, const char *indent, const char *key,
		      const void *arr, size_t n, size_t size, elem_fn fn)
{
	strbuf_putf(&o->sb, "%s\"%s\": [", indent, key);
	for (size_t i = 0; i < n; i++) {
		strbuf_putf(&o->sb, "%s\n%s  ", i ? "," : "", indent);
		put_value(o, fn((const char *)arr + i * size));
	}
	strbuf_puts(&o->sb, n ? "\n" : "");
	strbuf_putf(&o->sb, "%s]", n ? indent : "");
}

/* ---- one element each ---------------------------------------------------- */

/* error_json - errors[] entry */
static cJSON *error_json(const void *p)
{
	const struct snapshot_error *e = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "object", e->object);
	add_str(o, "message", e->message);
	add_str(o, "area", e->area);
	add_str(o, "address", e->address);
	return o;
}

/* domain_json - domains[] entry */
static cJSON *domain_json(const void *p)
{
	const struct snapshot_domain *d = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "name", d->name);
	add_str(o, "type", domain_type_name(d->type));
	add_bool(o, "primary", d->primary);
	return o;
}

/* recipient_json - recipients[] entry */
static cJSON *recipient_json(const void *p)
{
	const struct snapshot_recipient *r = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "address", r->address);
	add_str(o, "kind", recipient_kind_name(r->kind));
	add_tri(o, "enabled", r->enabled);
	add_tri(o, "has_mailbox", r->has_mailbox);
	add_strs(o, "aliases", r->aliases, r->nr_aliases, false);
	add_strs(o, "members", r->members, r->nr_members, r->kind == RK_GROUP);
	add_str(o, "org_unit", r->org_unit);
	add_str(o, "id", r->id);
	add_str(o, "name", r->name);
	add_str(o, "group_kind", group_kind_name(r->group_kind));
	add_str(o, "external_address", r->external_address);
	if (r->guest)
		add_bool(o, "guest", true);
	if (r->remote_mailbox)
		add_bool(o, "remote_mailbox", true);
	return o;
}

/* forward_json - forwards[] entry (the defaults are written out too) */
static cJSON *forward_json(const void *p)
{
	const struct snapshot_forward *f = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "from", f->from);
	add_strs(o, "to", f->to, f->nr_to, true);
	add_str(o, "via", forward_via_name(f->via));
	add_bool(o, "keep_copy", f->keep_copy);
	add_bool(o, "enabled", f->enabled);
	add_bool(o, "conditional", f->conditional);
	add_str(o, "name", f->name);
	add_str(o, "id", f->id);
	add_str(o, "action", forward_action_name(f->action));
	return o;
}

/* auto_reply_json - auto_replies[] entry */
static cJSON *auto_reply_json(const void *p)
{
	const struct snapshot_auto_reply *a = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "address", a->address);
	add_bool(o, "enabled", a->enabled);
	add_tri(o, "external", a->external);
	return o;
}

/* send_as_json - send_as[] entry */
static cJSON *send_as_json(const void *p)
{
	const struct snapshot_send_as *a = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "owner", a->owner);
	add_str(o, "address", a->address);
	add_tri(o, "treat_as_alias", a->treat_as_alias);
	add_tri(o, "verified", a->verified);
	if (a->primary)
		add_bool(o, "primary", true);
	return o;
}

/* outbound_json - policy.outbound_forwarding[] entry */
static cJSON *outbound_json(const void *p)
{
	const struct outbound_policy *op = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "name", op->name);
	add_str(o, "mode", forwarding_mode_name(op->mode));
	add_bool(o, "default", op->is_default);
	add_integer(o, "priority", op->priority);
	add_strs(o, "users", op->users, op->nr_users, true);
	add_strs(o, "groups", op->groups, op->nr_groups, true);
	add_strs(o, "domains", op->domains, op->nr_domains, true);
	add_strs(o, "except_users", op->except_users, op->nr_except_users, false);
	add_strs(o, "except_groups", op->except_groups, op->nr_except_groups, false);
	add_strs(o, "except_domains", op->except_domains, op->nr_except_domains, false);
	return o;
}

/* remote_domain_json - policy.remote_domains[] entry */
static cJSON *remote_domain_json(const void *p)
{
	const struct remote_domain *d = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "domain", d->domain);
	add_bool(o, "auto_forward", d->auto_forward);
	return o;
}

/* ou_json - policy.auto_forwarding_ou[] entry */
static cJSON *ou_json(const void *p)
{
	const struct ou_forwarding *ou = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "org_unit", ou->org_unit);
	add_str(o, "group", ou->group);
	add_bool(o, "enabled", ou->enabled);
	return o;
}

/* catch_all_json - policy.catch_all[] entry */
static cJSON *catch_all_json(const void *p)
{
	const struct catch_all *c = p;
	cJSON *o = must(cJSON_CreateObject());
	add_str(o, "domain", c->domain);
	add_str(o, "target", c->target);
	add_str(o, "scope", catch_all_scope_name(c->scope));
	add_str(o, "source", c->source);
	add_str(o, "name", c->name);
	return o;
}

/* ---- the document -------------------------------------------------------- */

/* put_policy - the policy object, or nothing when nothing in it was read */
static void put_policy(struct out *o, const struct snapshot_policy *p)
{
	const char *sep = "\n";
	if (p->send_from_alias == TRI_UNSET && p->plus_addressing == TRI_UNSET &&
	    !p->has_outbound_forwarding && !p->has_remote_domains &&
	    !p->has_auto_forwarding_ou && !p->has_catch_all)
		return;
	strbuf_puts(&o->sb, ",\n  \"policy\": {");
	if (p->send_from_alias != TRI_UNSET) {
		strbuf_puts(&o->sb, sep);
		put_member(o, "    ", "send_from_alias", must(cJSON_CreateBool(p->send_from_alias == TRI_TRUE)));
		sep = ",\n";
	}
	if (p->plus_addressing != TRI_UNSET) {
		strbuf_puts(&o->sb, sep);
		put_member(o, "    ", "plus_addressing", must(cJSON_CreateBool(p->plus_addressing == TRI_TRUE)));
		sep = ",\n";
	}
#define POLICY_ARRAY(field, fn) \
	if (p->has_##field) { \
		strbuf_puts(&o->sb, sep); \
		put_array(o, "    ", #field, p->field, p->nr_##field, sizeof(*p->field), fn); \
		sep = ",\n"; \
	}
	POLICY_ARRAY(outbound_forwarding, outbound_json)
	POLICY_ARRAY(remote_domains, remote_domain_json)
	POLICY_ARRAY(auto_forwarding_ou, ou_json)
	POLICY_ARRAY(catch_all, catch_all_json)
#undef POLICY_ARRAY
	strbuf_puts(&o->sb, "\n  }");
}

/* write_snapshot - the whole document into o */
static void write_snapshot(struct out *o, const struct snapshot *s)
{
	strbuf_puts(&o->sb, "{\n");
	put_member(o, "  ", "schema", must(cJSON_CreateString(SNAPSHOT_SCHEMA)));
	strbuf_puts(&o->sb, ",\n");
	put_member(o, "  ", "tenant", must(cJSON_CreateString(s->tenant ? s->tenant : "")));
	strbuf_puts(&o->sb, ",\n");
	put_member(o, "  ", "provider", must(cJSON_CreateString(s->provider ? s->provider : "")));
	if (s->collected_at) {
		strbuf_puts(&o->sb, ",\n");
		put_member(o, "  ", "collected_at", must(cJSON_CreateString(s->collected_at)));
	}
	strbuf_puts(&o->sb, ",\n");
	put_member(o, "  ", "complete", must(cJSON_CreateBool(s->complete)));
	if (s->nr_errors) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "errors", s->errors, s->nr_errors, sizeof(*s->errors), error_json);
	}
	if (!s->domains_absent) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "domains", s->domains, s->nr_domains, sizeof(*s->domains),
			  domain_json);
	}
	if (!s->recipients_absent) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "recipients", s->recipients, s->nr_recipients,
			  sizeof(*s->recipients), recipient_json);
	}
	if (s->has_forwards) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "forwards", s->forwards, s->nr_forwards,
			  sizeof(*s->forwards), forward_json);
	}
	if (s->has_auto_replies) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "auto_replies", s->auto_replies, s->nr_auto_replies,
			  sizeof(*s->auto_replies), auto_reply_json);
	}
	if (s->has_send_as) {
		strbuf_puts(&o->sb, ",\n");
		put_array(o, "  ", "send_as", s->send_as, s->nr_send_as,
			  sizeof(*s->send_as), send_as_json);
	}
	put_policy(o, &s->policy);
	strbuf_puts(&o->sb, "\n}\n");
}

char *snapshot_to_json(const struct snapshot *s)
{
	struct out o = { STRBUF_INIT, -1, 0 };
	write_snapshot(&o, s);
	return strbuf_detach(&o.sb, NULL);
}

/* write_fd - the document to fd; 0 or an errno */
static int write_fd(const struct snapshot *s, int fd)
{
	struct out o = { STRBUF_INIT, fd, 0 };
	write_snapshot(&o, s);
	flush(&o, true);
	strbuf_release(&o.sb);
	return o.err;
}

/* sync_dir - fsync the directory holding path, so the rename is durable */
static int sync_dir(const char *path)
{
	char *copy = xstrdup(path);
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;
	free(copy);
	if (fd < 0)
		return errno;
	if (fsync(fd) < 0 && errno != EINVAL)
		ret = errno;
	close(fd);
	return ret;
}

int snapshot_write_file(const struct snapshot *s, const char *path, char **err)
{
	char *tmp;
	int fd, e;

	*err = NULL;
	if (!strcmp(path, "-")) {
		if ((e = write_fd(s, 1))) {
			*err = xstrfmt("<stdout>: %s", strerror(e));
			return -1;
		}
		return 0;
	}
	tmp = xstrfmt("%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		*err = xstrfmt("%s: cannot create a temporary file: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) < 0)
		e = errno;
	else
		e = write_fd(s, fd);
	if (!e && fsync(fd) < 0)
		e = errno;
	if (close(fd) < 0 && !e)
		e = errno;
	if (!e && rename(tmp, path) < 0)
		e = errno;
	if (e) {
		*err = xstrfmt("%s: %s", path, strerror(e));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	if ((e = sync_dir(path))) {
		*err = xstrfmt("%s: written, but syncing its directory failed: %s", path, strerror(e));
		return -1;
	}
	return 0;
}
