/*
 * journal.c - writing and reading fix journals (see journal.h for the format).
 */
#include "core/journal.h"
#include "core/status.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const status_names[] = { "none", "applied", "skipped", "failed" };

const char *journal_status_name(enum journal_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

static int status_parse(const char *s)
{
	for (size_t i = 1; s && i < ARRAY_SIZE(status_names); i++)
		if (!strcmp(s, status_names[i]))
			return (int)i;
	return -1;
}

/* state_dir - $XDG_STATE_HOME/aliasaudit/<what> (caller frees) */
static char *state_dir(const char *what)
{
	const char *state = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (state && *state)
		return xstrfmt("%s/aliasaudit/%s", state, what);
	return xstrfmt("%s/.local/state/aliasaudit/%s", home && *home ? home : ".", what);
}

char *journal_default_dir(void)
{
	return state_dir("journal");
}

/* journal_absolute_path - see journal.h */
char *journal_absolute_path(const char *path)
{
	char *real = realpath(path, NULL), cwd[4096];
	if (real)
		return real;
	if (path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	return xstrfmt("%s/%s", cwd, path);
}

/* mkdir_p - create dir and its parents with mode */
static int mkdir_p(const char *dir, mode_t mode)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) && errno != EEXIST) {
			free(p);
			return -1;
		}
		*s = '/';
	}
	int rc = mkdir(p, mode) && errno != EEXIST ? -1 : 0;
	free(p);
	return rc;
}

/* append_record - write one JSON line and fsync it */
static int append_record(struct journal *j, cJSON *rec, char **err)
{
	char *text = cJSON_PrintUnformatted(rec);
	size_t len, off = 0;
	int rc = 0;
	cJSON_Delete(rec);
	if (!text)
		oom();
	len = strlen(text);
	text[len++] = '\n'; /* overwrite the NUL: written by length */
	while (off < len) {
		ssize_t w = write(j->fd, text + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			*err = xstrfmt("%s: %s", j->path, strerror(errno));
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (!rc && fsync(j->fd)) {
		*err = xstrfmt("%s: fsync: %s", j->path, strerror(errno));
		rc = -1;
	}
	free(text);
	return rc;
}

/* add_tenant - remember tenant → key */
static void add_tenant(struct journal *j, const char *tenant, const char *key)
{
	j->tenants = xreallocarray(j->tenants, j->nr_tenants + 1, sizeof(char *));
	j->tenant_keys = xreallocarray(j->tenant_keys, j->nr_tenants + 1, sizeof(char *));
	j->tenants[j->nr_tenants] = xstrdup(tenant);
	j->tenant_keys[j->nr_tenants++] = xstrdup(key);
}

int journal_create(struct journal *j, const char *dir, const char *config,
		   const char *const *tenants, const char *const *keys, size_t nt, char **err)
{
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	cJSON *h;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	if (mkdir_p(dir, 0700)) {
		*err = xstrfmt("%s: %s", dir, strerror(errno));
		return -1;
	}
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	/* a unique name: time and pid, then a counter if that exists already */
	for (int n = 0; n < 1000; n++) {
		j->path = n ? xstrfmt("%s/fix-%s-%ld-%d.jsonl", dir, stamp, (long)getpid(), n)
			    : xstrfmt("%s/fix-%s-%ld.jsonl", dir, stamp, (long)getpid());
		j->fd = open(j->path, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0600);
		if (j->fd >= 0 || errno != EEXIST)
			break;
		FREE_AND_NULL(j->path);
	}
	if (j->fd < 0) {
		if (!j->path)
			j->path = xstrdup(dir);
		*err = xstrfmt("%s: %s", j->path, strerror(errno));
		return -1;
	}
	fchmod(j->fd, 0600);
	j->config = config ? journal_absolute_path(config) : NULL;
	h = cJSON_CreateObject();
	char at[21];
	iso8601_now(at);
	cJSON_AddStringToObject(h, "type", "journal");
	cJSON_AddNumberToObject(h, "version", JOURNAL_VERSION);
	cJSON_AddStringToObject(h, "created_at", at);
	cJSON_AddStringToObject(h, "tool_version", ALIASAUDIT_VERSION);
	if (j->config)
		cJSON_AddStringToObject(h, "config", j->config);
	cJSON *tk = cJSON_AddObjectToObject(h, "tenants");
	for (size_t i = 0; i < nt; i++) {
		cJSON_AddStringToObject(tk, tenants[i], keys[i]);
		add_tenant(j, tenants[i], keys[i]);
	}
	return append_record(j, h, err);
}

/* journal_tenant_key - see journal.h */
const char *journal_tenant_key(const struct journal *j, const char *tenant)
{
	for (size_t i = 0; i < j->nr_tenants; i++)
		if (!strcmp(j->tenants[i], tenant))
			return j->tenant_keys[i];
	return NULL;
}

/* journal_lock_tenant - see journal.h */
int journal_lock_tenant(const char *tenant, const char *key, int *fd, char **err)
{
	char *dir = state_dir("lock"), *path, *safe = xstrdup(key);
	int rc = -1;
	for (char *p = safe; *p; p++)
		if (!(*p >= '0' && *p <= '9') && !(*p >= 'a' && *p <= 'z') &&
		    !(*p >= 'A' && *p <= 'Z') && *p != '-' && *p != '.')
			*p = '_';
	path = xstrfmt("%s/%s.lock", dir, safe);
	*fd = -1;
	if (mkdir_p(dir, 0700)) {
		*err = xstrfmt("%s: %s", dir, strerror(errno));
	} else if ((*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		*err = xstrfmt("%s: %s", path, strerror(errno));
	} else if (flock(*fd, LOCK_EX | LOCK_NB)) {
		*err = errno == EWOULDBLOCK
			? xstrfmt("tenant '%s' is being changed by another 'aliasaudit fix --apply' or "
				  "'undo' (lock %s): try again when it has finished", tenant, path)
			: xstrfmt("%s: flock: %s", path, strerror(errno));
		close(*fd);
		*fd = -1;
	} else {
		rc = 0;
	}
	free(dir);
	free(path);
	free(safe);
	return rc;
}

/* journal_unlock - see journal.h */
void journal_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing the descriptor drops the flock */
}

cJSON *fix_change_to_json(const struct fix_change *c)
{
	cJSON *o = cJSON_CreateObject(), *ids = cJSON_CreateArray();
	cJSON_AddStringToObject(o, "tenant", c->tenant);
	cJSON_AddStringToObject(o, "provider", c->provider);
	cJSON_AddStringToObject(o, "fix_id", c->fix_id ? c->fix_id : "");
	cJSON_AddStringToObject(o, "object", c->object);
	cJSON_AddStringToObject(o, "setting", c->setting);
	cJSON_AddStringToObject(o, "old_value", c->old_value);
	cJSON_AddStringToObject(o, "new_value", c->new_value);
	cJSON_AddBoolToObject(o, "reversible", c->reversible);
	for (size_t i = 0; i < c->nr_finding_ids; i++)
		cJSON_AddItemToArray(ids, cJSON_CreateString(c->finding_ids[i]));
	cJSON_AddItemToObject(o, "finding_ids", ids);
	cJSON_AddItemToObject(o, "params", c->params ? cJSON_Duplicate(c->params, 1)
						     : cJSON_CreateObject());
	return o;
}

/* get_str - a required string member, copied */
static int get_str(const cJSON *o, const char *key, char **out, char **err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(v)) {
		*err = xstrfmt("change.%s: %s", key, v ? "not a string" : "missing");
		return -1;
	}
	*out = xstrdup(v->valuestring);
	return 0;
}

int fix_change_from_json(const cJSON *o, struct fix_change *c, char **err)
{
	const cJSON *ids, *params, *rev, *it;
	memset(c, 0, sizeof(*c));
	if (!cJSON_IsObject(o)) {
		*err = xstrdup("change: missing or not an object");
		return -1;
	}
	if (get_str(o, "tenant", &c->tenant, err) || get_str(o, "provider", &c->provider, err) ||
	    get_str(o, "fix_id", &c->fix_id, err) || get_str(o, "object", &c->object, err) ||
	    get_str(o, "setting", &c->setting, err) || get_str(o, "old_value", &c->old_value, err) ||
	    get_str(o, "new_value", &c->new_value, err))
		return -1;
	for (const char *const *v = (const char *const[]){ c->old_value, c->new_value, NULL }; *v; v++) {
		cJSON *parsed = cJSON_Parse(*v);
		if (!parsed) {
			*err = xstrfmt("change.%s: not a JSON value", *v == c->old_value ? "old_value" : "new_value");
			return -1;
		}
		cJSON_Delete(parsed);
	}
	rev = cJSON_GetObjectItemCaseSensitive(o, "reversible");
	if (!cJSON_IsBool(rev)) {
		*err = xstrdup("change.reversible: missing or not a boolean");
		return -1;
	}
	c->reversible = cJSON_IsTrue(rev);
	ids = cJSON_GetObjectItemCaseSensitive(o, "finding_ids");
	if (!cJSON_IsArray(ids)) {
		*err = xstrdup("change.finding_ids: missing or not an array");
		return -1;
	}
	cJSON_ArrayForEach(it, ids) {
		if (!cJSON_IsString(it)) {
			*err = xstrdup("change.finding_ids: not all strings");
			return -1;
		}
		c->finding_ids = xreallocarray(c->finding_ids, c->nr_finding_ids + 1, sizeof(char *));
		c->finding_ids[c->nr_finding_ids++] = xstrdup(it->valuestring);
	}
	params = cJSON_GetObjectItemCaseSensitive(o, "params");
	if (!cJSON_IsObject(params)) {
		*err = xstrdup("change.params: missing or not an object");
		return -1;
	}
	c->params = cJSON_Duplicate(params, 1);
	return 0;
}

int journal_intent(struct journal *j, int seq, const struct fix_change *c, char **err)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "type", "intent");
	cJSON_AddNumberToObject(r, "seq", seq);
	cJSON_AddItemToObject(r, "change", fix_change_to_json(c));
	return append_record(j, r, err);
}

static int result_record(struct journal *j, const char *type, int seq, enum journal_status st,
			 const char *msg, char **err)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "type", type);
	cJSON_AddNumberToObject(r, "seq", seq);
	if (st != JS_NONE)
		cJSON_AddStringToObject(r, "status", journal_status_name(st));
	if (msg)
		cJSON_AddStringToObject(r, "message", msg);
	return append_record(j, r, err);
}

int journal_result(struct journal *j, int seq, enum journal_status st, const char *msg, char **err)
{
	return result_record(j, "result", seq, st, msg, err);
}

int journal_undo_intent(struct journal *j, int seq, char **err)
{
	return result_record(j, "undo-intent", seq, JS_NONE, NULL, err);
}

int journal_undo_result(struct journal *j, int seq, enum journal_status st, const char *msg,
			char **err)
{
	return result_record(j, "undo-result", seq, st, msg, err);
}

static struct journal_entry *entry_for(struct journal *j, int seq)
{
	for (size_t i = 0; i < j->nr; i++)
		if (j->entries[i].seq == seq)
			return &j->entries[i];
	return NULL;
}

/* load_tenants - the header's tenants object */
static int load_tenants(struct journal *j, const cJSON *t, char **err)
{
	const cJSON *k;
	if (!cJSON_IsObject(t)) {
		*err = xstrdup("tenants: missing or not an object");
		return -1;
	}
	cJSON_ArrayForEach(k, t) {
		if (!cJSON_IsString(k) || !*k->valuestring) {
			*err = xstrfmt("tenants.%s: not a tenant id", k->string);
			return -1;
		}
		add_tenant(j, k->string, k->valuestring);
	}
	return 0;
}

/* load_line - apply one parsed record to j; 0 or -1 with *err (no file/line prefix) */
static int load_line(struct journal *j, const cJSON *rec, size_t lineno, char **err)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(rec, "type");
	const cJSON *seqv = cJSON_GetObjectItemCaseSensitive(rec, "seq");
	const char *t = cJSON_IsString(type) ? type->valuestring : NULL;
	struct journal_entry *e;
	int seq;

	if (!t) {
		*err = xstrdup("type: missing");
		return -1;
	}
	if (lineno == 1) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, "version");
		const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(rec, "config");
		if (strcmp(t, "journal")) {
			*err = xstrdup("not an aliasaudit journal (no header record)");
			return -1;
		}
		if (cJSON_IsNumber(v) && v->valueint == 1) {
			*err = xstrdup("version 1: this journal is not bound to a tenant id, so undo "
				       "cannot tell whether the configured tenant is the one it changed; "
				       "revert its changes by hand (each record names object and old value)");
			return -1;
		}
		if (!cJSON_IsNumber(v) || v->valueint != JOURNAL_VERSION) {
			*err = xstrdup("version: unsupported journal version");
			return -1;
		}
		if (cJSON_IsString(cfg))
			j->config = xstrdup(cfg->valuestring);
		return load_tenants(j, cJSON_GetObjectItemCaseSensitive(rec, "tenants"), err);
	}
	if (!cJSON_IsNumber(seqv) || seqv->valueint < 1) {
		*err = xstrdup("seq: missing or not a positive number");
		return -1;
	}
	seq = seqv->valueint;
	e = entry_for(j, seq);
	if (!strcmp(t, "intent")) {
		if (e) {
			*err = xstrfmt("seq %d: a second intent for the same change", seq);
			return -1;
		}
		ALLOC_GROW(j->entries, j->nr + 1, j->alloc);
		e = &j->entries[j->nr];
		memset(e, 0, sizeof(*e));
		e->seq = seq;
		if (fix_change_from_json(cJSON_GetObjectItemCaseSensitive(rec, "change"), &e->change, err)) {
			fix_change_release(&e->change);
			return -1;
		}
		j->nr++;
		return 0;
	}
	if (!e) {
		*err = xstrfmt("seq %d: a %s for a change with no intent", seq, t);
		return -1;
	}
	if (!strcmp(t, "undo-intent"))
		return 0;
	int st = status_parse(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "status")));
	if (st < 0) {
		*err = xstrfmt("seq %d: status: missing or unknown", seq);
		return -1;
	}
	if (!strcmp(t, "result"))
		e->status = (enum journal_status)st;
	else if (!strcmp(t, "undo-result"))
		e->undo_status = (enum journal_status)st;
	else {
		*err = xstrfmt("type: unknown record type '%s'", t);
		return -1;
	}
	return 0;
}

int journal_load(struct journal *j, const char *path, bool append, char **err)
{
	char *buf = NULL, *line, *next, *msg = NULL;
	size_t len = 0, lineno = 0;
	int rc = -1;

	memset(j, 0, sizeof(*j));
	j->fd = -1;
	j->path = xstrdup(path);
	if (read_file(path, JOURNAL_MAX_BYTES, &buf, &len, err))
		return -1;
	if (!len) {
		*err = xstrfmt("%s: empty journal", path);
		goto out;
	}
	if (buf[len - 1] != '\n') {
		/* killed mid-write: the record never completed; its intent's change
		 * was not started (intents are synced first), a result's is re-read */
		char *nl = memrchr(buf, '\n', len);
		if (!nl) {
			*err = xstrfmt("%s: truncated: not even the header is complete", path);
			goto out;
		}
		len = (size_t)(nl - buf) + 1;
		buf[len] = '\0';
		j->truncated_tail = true;
	}
	if (memchr(buf, '\0', len)) {
		*err = xstrfmt("%s: corrupt: contains NUL bytes", path);
		goto out;
	}
	for (line = buf; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		cJSON *rec = cJSON_Parse(line);
		if (!cJSON_IsObject(rec)) {
			cJSON_Delete(rec);
			*err = xstrfmt("%s: line %zu: not a JSON object", path, lineno);
			goto out;
		}
		int r = load_line(j, rec, lineno, &msg);
		cJSON_Delete(rec);
		if (r) {
			*err = xstrfmt("%s: line %zu: %s", path, lineno, msg);
			goto out;
		}
	}
	if (append) {
		j->fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
		/* cut the incomplete record off, so what undo appends stays whole */
		if (j->fd < 0 || (j->truncated_tail && ftruncate(j->fd, (off_t)len))) {
			*err = xstrfmt("%s: %s", path, strerror(errno));
			goto out;
		}
	}
	rc = 0;
out:
	free(msg);
	free(buf);
	if (rc)
		journal_close(j);
	return rc;
}

void journal_close(struct journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	for (size_t i = 0; i < j->nr; i++)
		fix_change_release(&j->entries[i].change);
	free(j->entries);
	free(j->path);
	free(j->config);
	for (size_t i = 0; i < j->nr_tenants; i++) {
		free(j->tenants[i]);
		free(j->tenant_keys[i]);
	}
	free(j->tenants);
	free(j->tenant_keys);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}
