/*
 * history.c - the run history in SQLite: recording runs (history_record),
 * the schema and its migrations, and loading the view 'report' renders
 * (history_view_load): the latest run rebuilt as an audit_result, its
 * baseline, what is new/resolved/persisting and a per-tenant trend.
 *
 * Storage: one row per run, per tenant of a run (completeness and collection
 * errors as JSON), per finding (indexed columns plus the whole finding as a
 * JSON blob, so a report can be rebuilt without the catalog of the version
 * that recorded it) and per check not evaluated. All values are bound
 * parameters. The file is created 0600 before SQLite opens it; WAL and a busy
 * timeout let concurrent runs record; writes happen in BEGIN IMMEDIATE
 * transactions. Errors are one line: "DB: what went wrong".
 */
#include "store/history.h"
#include "core/finding_json.h"
#include "core/status.h"
#include "base/arena.h"
#include "base/strbuf.h"
#include "checks/check.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* the most runs per tenant a trend shows */
#define HISTORY_TREND_MAX 30
#define FINDING_BLOB_SCHEMA "aliasaudit.history-finding/1"

/* migrations[i] upgrades a database from version i to i + 1; append only */
static const char *const migrations[] = {
	/* 0 -> 1: the first schema */
	"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);"
	"CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,"
	" recorded_at TEXT NOT NULL, tool_version TEXT NOT NULL, complete INTEGER NOT NULL,"
	" graph_truncated INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX runs_started ON runs(started_at, id);"
	"CREATE TABLE run_tenants (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" tenant TEXT NOT NULL, provider TEXT NOT NULL, complete INTEGER NOT NULL, errors TEXT NOT NULL);"
	"CREATE INDEX run_tenants_run ON run_tenants(run_id);"
	"CREATE INDEX run_tenants_tenant ON run_tenants(tenant, run_id);"
	"CREATE TABLE run_findings (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" finding_id TEXT NOT NULL, check_id TEXT NOT NULL, severity TEXT NOT NULL, tenant TEXT NOT NULL,"
	" subject TEXT NOT NULL, summary TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run_id, finding_id));"
	"CREATE INDEX run_findings_tenant ON run_findings(run_id, tenant);"
	"CREATE TABLE run_gaps (run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	" check_id TEXT NOT NULL, tenant TEXT NOT NULL, reason TEXT NOT NULL);"
	"CREATE INDEX run_gaps_run ON run_gaps(run_id);",
};

_Static_assert(sizeof(migrations) / sizeof(migrations[0]) == HISTORY_SCHEMA_VERSION,
	       "one migration per schema version");

/* db_error - "path: message" from the connection's last error */
static int db_error(sqlite3 *db, const char *path, const char *what, char **err)
{
	if (!*err)
		*err = xstrfmt("%s: %s%s%s", path, what ? what : "", what ? ": " : "",
			       db ? sqlite3_errmsg(db) : "cannot open");
	return -1;
}

/* exec - run SQL without parameters (schema, pragmas, transactions) */
static int exec(sqlite3 *db, const char *path, const char *sql, char **err)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		*err = xstrfmt("%s: %s", path, msg ? msg : sqlite3_errmsg(db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

/* prepare - compile one statement */
static sqlite3_stmt *prepare(sqlite3 *db, const char *path, const char *sql, char **err)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		db_error(db, path, NULL, err);
		return NULL;
	}
	return st;
}

/* user_version - the schema version of the open database, or -1 */
static int user_version(sqlite3 *db, const char *path, char **err)
{
	sqlite3_stmt *st = prepare(db, path, "PRAGMA user_version", err);
	int v = -1;
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	else
		db_error(db, path, NULL, err);
	sqlite3_finalize(st);
	return v;
}

/* migrate - bring the schema to HISTORY_SCHEMA_VERSION in one transaction */
static int migrate(sqlite3 *db, const char *path, char **err)
{
	char now[21], *sql;
	int v;

	if ((v = user_version(db, path, err)) < 0)
		return -1;
	if (v == HISTORY_SCHEMA_VERSION)
		return 0;
	if (exec(db, path, "BEGIN IMMEDIATE", err))
		return -1;
	/* re-read under the write lock: another process may have migrated meanwhile */
	if ((v = user_version(db, path, err)) < 0)
		goto fail;
	if (v > HISTORY_SCHEMA_VERSION) {
		*err = xstrfmt("%s: history schema version %d is newer than this aliasaudit supports (%d)",
			       path, v, HISTORY_SCHEMA_VERSION);
		goto fail;
	}
	iso8601_now(now);
	for (; v < HISTORY_SCHEMA_VERSION; v++) {
		sqlite3_stmt *st;
		if (exec(db, path, migrations[v], err))
			goto fail;
		if (!(st = prepare(db, path, "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)", err)))
			goto fail;
		sqlite3_bind_int(st, 1, v + 1);
		sqlite3_bind_text(st, 2, now, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			db_error(db, path, NULL, err);
			sqlite3_finalize(st);
			goto fail;
		}
		sqlite3_finalize(st);
	}
	/* PRAGMA takes no parameters; the value is our own constant */
	sql = xstrfmt("PRAGMA user_version = %d", HISTORY_SCHEMA_VERSION);
	if (exec(db, path, sql, err)) {
		free(sql);
		goto fail;
	}
	free(sql);
	return exec(db, path, "COMMIT", err);
fail:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* set_wal - switch to WAL unless already in it (persistent). Switching takes
 * an exclusive lock for which SQLite does not always call the busy handler,
 * so a concurrent first run is retried here within the busy timeout. */
static int set_wal(sqlite3 *db, const char *path, char **err)
{
	for (int waited = 0;; waited += 20) {
		sqlite3_stmt *st = prepare(db, path, "PRAGMA journal_mode", err);
		int rc;
		if (!st)
			return -1;
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "wal")) {
			sqlite3_finalize(st);
			return 0;
		}
		sqlite3_finalize(st);
		if (rc == SQLITE_ROW) {
			if (!(st = prepare(db, path, "PRAGMA journal_mode = WAL", err)))
				return -1;
			rc = sqlite3_step(st);
			if (rc == SQLITE_ROW && !strcmp((const char *)sqlite3_column_text(st, 0), "wal")) {
				sqlite3_finalize(st);
				return 0;
			}
			sqlite3_finalize(st);
		}
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED && rc != SQLITE_ROW)
			return db_error(db, path, NULL, err);
		if (waited >= HISTORY_BUSY_TIMEOUT_MS)
			return db_error(db, path, "cannot switch to WAL", err);
		usleep(20 * 1000);
	}
}

/* busy - true when db's last error is another writer's lock */
static bool busy(sqlite3 *db)
{
	int code = db ? sqlite3_errcode(db) & 0xff : 0;
	return code == SQLITE_BUSY || code == SQLITE_LOCKED;
}

/* db_open - open path (creating it 0600 when create), set WAL, busy timeout
 * and foreign keys, and migrate. Returns 0, or -1 (HISTORY_BUSY when another
 * writer held the lock too long) with *err. */
static int db_open(const char *path, bool create, sqlite3 **out, char **err)
{
	sqlite3 *db = NULL;
	int rc;
	struct stat sb;
	int fd;

	*out = NULL;
	fd = open(path, O_RDWR | O_CLOEXEC | (create ? O_CREAT : 0), 0600);
	if (fd < 0 && !create && (errno == EACCES || errno == EROFS))
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*err = xstrfmt("%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode)) {
		close(fd);
		*err = xstrfmt("%s: not a regular file", path);
		return -1;
	}
	close(fd);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		db_error(db, path, NULL, err);
		sqlite3_close(db);
		return -1;
	}
	sqlite3_busy_timeout(db, HISTORY_BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(db, 1);
	if (set_wal(db, path, err))
		goto fail;
	if (exec(db, path, "PRAGMA foreign_keys = ON", err) || migrate(db, path, err))
		goto fail;
	*out = db;
	return 0;
fail:
	rc = busy(db) ? HISTORY_BUSY : -1;
	sqlite3_close(db);
	return rc;
}

/* --- recording --- */

/* finding_blob - the finding as the JSON stored with it: the findings
 * document's object (core/finding_json.c) plus what rebuilds it for a report
 * without the catalog: the blob schema, the check's title and default
 * severity. fix_note is also kept at the top, where blobs before the shared
 * serialiser had it (the reader takes either). */
static char *finding_blob(const struct finding *f)
{
	cJSON *o = finding_json(f);
	char *text;

	cJSON_AddStringToObject(o, "schema", FINDING_BLOB_SCHEMA);
	if (f->check && f->check->title)
		cJSON_AddStringToObject(o, "check_title", f->check->title);
	if (f->check)
		cJSON_AddStringToObject(o, "check_severity", severity_name(f->check->severity));
	if (f->fix_note)
		cJSON_AddStringToObject(o, "fix_note", f->fix_note);
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (!text)
		oom();
	return text;
}

/* errors_json - a snapshot's collection errors as a JSON array text */
static char *errors_json(const struct snapshot *s)
{
	cJSON *a = snapshot_errors_json(s);
	char *text = cJSON_PrintUnformatted(a);
	cJSON_Delete(a);
	if (!text)
		oom();
	return text;
}

/* step_done - step a bound insert, reset it; 0 or -1 with *err */
static int step_done(sqlite3 *db, sqlite3_stmt *st, const char *path, char **err)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, path, "cannot record the run", err);
}

int history_record(const char *db_path, const struct audit_result *res, char **err)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *run = NULL, *ten = NULL, *fnd = NULL, *gap = NULL;
	sqlite3_int64 run_id;
	char now[21];
	int ret = -1;

	*err = NULL;
	if ((ret = db_open(db_path, true, &db, err)))
		return ret;
	ret = -1;
	if (exec(db, db_path, "BEGIN IMMEDIATE", err))
		goto out;
	if (!(run = prepare(db, db_path, "INSERT INTO runs (started_at, recorded_at, tool_version, complete,"
			    " graph_truncated) VALUES (?, ?, ?, ?, ?)", err)) ||
	    !(ten = prepare(db, db_path, "INSERT INTO run_tenants (run_id, tenant, provider, complete, errors)"
			    " VALUES (?, ?, ?, ?, ?)", err)) ||
	    !(fnd = prepare(db, db_path, "INSERT OR IGNORE INTO run_findings (run_id, finding_id, check_id,"
			    " severity, tenant, subject, summary, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", err)) ||
	    !(gap = prepare(db, db_path, "INSERT INTO run_gaps (run_id, check_id, tenant, reason)"
			    " VALUES (?, ?, ?, ?)", err)))
		goto rollback;

	iso8601_now(now);
	sqlite3_bind_text(run, 1, res->generated_at[0] ? res->generated_at : now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(run, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(run, 3, ALIASAUDIT_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_int(run, 4, audit_complete(res));
	sqlite3_bind_int(run, 5, res->graph_truncated);
	if (step_done(db, run, db_path, err))
		goto rollback;
	run_id = sqlite3_last_insert_rowid(db);

	for (size_t i = 0; i < res->nr_snapshots; i++) {
		const struct snapshot *s = res->snapshots[i];
		char *errs = errors_json(s);
		sqlite3_bind_int64(ten, 1, run_id);
		sqlite3_bind_text(ten, 2, s->tenant ? s->tenant : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(ten, 3, s->provider ? s->provider : "", -1, SQLITE_STATIC);
		sqlite3_bind_int(ten, 4, s->complete);
		sqlite3_bind_text(ten, 5, errs, -1, SQLITE_TRANSIENT);
		free(errs);
		if (step_done(db, ten, db_path, err))
			goto rollback;
	}
	for (size_t i = 0; i < res->findings.nr; i++) {
		const struct finding *f = &res->findings.items[i];
		char *blob = finding_blob(f);
		sqlite3_bind_int64(fnd, 1, run_id);
		sqlite3_bind_text(fnd, 2, f->id, -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 3, f->check ? f->check->id : "unknown", -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 4, severity_name(f->severity), -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 5, f->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 6, f->subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 7, f->summary, -1, SQLITE_STATIC);
		sqlite3_bind_text(fnd, 8, blob, -1, SQLITE_TRANSIENT);
		free(blob);
		if (step_done(db, fnd, db_path, err))
			goto rollback;
	}
	for (size_t i = 0; i < res->findings.nr_gaps; i++) {
		const struct not_evaluated *g = &res->findings.gaps[i];
		sqlite3_bind_int64(gap, 1, run_id);
		sqlite3_bind_text(gap, 2, g->check, -1, SQLITE_STATIC);
		sqlite3_bind_text(gap, 3, g->tenant, -1, SQLITE_STATIC);
		sqlite3_bind_text(gap, 4, g->reason, -1, SQLITE_STATIC);
		if (step_done(db, gap, db_path, err))
			goto rollback;
	}
	if (exec(db, db_path, "COMMIT", err))
		goto rollback;
	ret = 0;
	goto out;
rollback:
	if (busy(db))
		ret = HISTORY_BUSY;
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
out:
	if (ret == -1 && busy(db))
		ret = HISTORY_BUSY;
	sqlite3_finalize(run);
	sqlite3_finalize(ten);
	sqlite3_finalize(fnd);
	sqlite3_finalize(gap);
	sqlite3_close(db);
	return ret;
}

/* --- loading --- */

struct view_priv {
	struct arena arena; /* rebuilt check_defs, fix_defs, refs, symptom strings */
	struct check_def **checks; size_t nr_checks, alloc_checks;
};

int history_parse_time(const char *when, char out[21])
{
	int y, mo, d, h = 0, mi = 0, s = 0, n = 0;
	char sep, tmp[64];
	size_t len = strlen(when);

	if (len == 10) {
		if (sscanf(when, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
			return -1;
	} else {
		if (sscanf(when, "%4d-%2d-%2d%c%2d:%2d%n", &y, &mo, &d, &sep, &h, &mi, &n) != 6 ||
		    (sep != 'T' && sep != ' ' && sep != 't') || n != 16)
			return -1;
		if (when[n] == ':') {
			int m = 0;
			if (sscanf(when + n, ":%2d%n", &s, &m) != 1 || m != 3)
				return -1;
			n += m;
		}
		if (when[n] == 'Z' || when[n] == 'z')
			n++;
		if ((size_t)n != len)
			return -1;
	}
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
	    h < 0 || mi < 0 || s < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi, s);
	if (strlen(tmp) != 20)
		return -1;
	memcpy(out, tmp, 21);
	return 0;
}

/* tenant_filter - " AND <col> IN (?, ...)" for tenants[], or "" */
static char *tenant_filter(const char *col, const char *const *tenants)
{
	struct strbuf sb = STRBUF_INIT;
	if (!tenants || !tenants[0])
		return xstrdup("");
	strbuf_putf(&sb, " AND %s IN (", col);
	for (size_t i = 0; tenants[i]; i++)
		strbuf_puts(&sb, i ? ", ?" : "?");
	strbuf_puts(&sb, ")");
	return strbuf_detach(&sb, NULL);
}

/* bind_tenants - bind tenants[] from parameter index first; returns the next index */
static int bind_tenants(sqlite3_stmt *st, int first, const char *const *tenants)
{
	for (size_t i = 0; tenants && tenants[i]; i++)
		sqlite3_bind_text(st, first++, tenants[i], -1, SQLITE_STATIC);
	return first;
}

/* run_query - "SELECT <what> FROM <table> WHERE run_id = ? [AND tenant IN
 * (...)] ORDER BY <order>" prepared and bound to run and tenants[] (NULL or
 * empty: every tenant); NULL with *err */
static sqlite3_stmt *run_query(sqlite3 *db, const char *path, const char *what, const char *table,
			       const char *order, long long run, const char *const *tenants, char **err)
{
	char *filter = tenant_filter("tenant", tenants);
	char *sql = xstrfmt("SELECT %s FROM %s WHERE run_id = ?%s ORDER BY %s", what, table, filter, order);
	sqlite3_stmt *st = prepare(db, path, sql, err);
	free(sql);
	free(filter);
	if (st) {
		sqlite3_bind_int64(st, 1, run);
		bind_tenants(st, 2, tenants);
	}
	return st;
}

/* col_dup - column i as a heap string ("" for NULL) */
static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

/* find_run - the latest run (matching tenants), before bound `before` when
 * given, else before run `below` (by time, then id) when below > 0.
 * Returns 1 found, 0 none, -1 error. */
static int find_run(sqlite3 *db, const char *path, const char *const *tenants, const char *before,
		    const struct history_run *below, struct history_run *out, char **err)
{
	char *filter = tenant_filter("tenant", tenants);
	char *sql = xstrfmt("SELECT id, started_at, complete FROM runs WHERE"
			    " EXISTS (SELECT 1 FROM run_tenants WHERE run_id = runs.id%s)%s"
			    " ORDER BY started_at DESC, id DESC LIMIT 1", filter,
			    before ? " AND started_at < ?" :
			    below ? " AND (started_at < ? OR (started_at = ? AND id < ?))" : "");
	sqlite3_stmt *st = prepare(db, path, sql, err);
	int rc, idx, ret = -1;

	free(sql);
	free(filter);
	if (!st)
		return -1;
	idx = bind_tenants(st, 1, tenants);
	if (before) {
		sqlite3_bind_text(st, idx, before, -1, SQLITE_STATIC);
	} else if (below) {
		sqlite3_bind_text(st, idx, below->at, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, idx + 1, below->at, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, idx + 2, below->id);
	}
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		out->id = sqlite3_column_int64(st, 0);
		out->at = col_dup(st, 1);
		out->complete = sqlite3_column_int(st, 2);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		db_error(db, path, NULL, err);
	}
	sqlite3_finalize(st);
	return ret;
}

/* jstr - a string member or NULL */
static const char *jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* jtext - a non-empty string member or NULL (a stored symptom without text is "") */
static const char *jtext(const cJSON *o, const char *key)
{
	const char *s = jstr(o, key);
	return s && *s ? s : NULL;
}

/* blob_fix - a fix_def (in the view's arena) from a stored "fix" object */
static const struct fix_def *blob_fix(struct view_priv *p, const cJSON *fix)
{
	struct fix_def *fd = arena_alloc(&p->arena, sizeof(*fd));
	fd->id = arena_strdup(&p->arena, jstr(fix, "id") ? jstr(fix, "id") : "");
	fd->automated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(fix, "automated"));
	fd->title = arena_strdup(&p->arena, jstr(fix, "title") ? jstr(fix, "title") : "");
	fd->steps = arena_strdup(&p->arena, jstr(fix, "steps"));
	return fd;
}

/* blob_refs - a NULL-terminated refs array (in the arena), or NULL */
static const char *const *blob_refs(struct view_priv *p, const cJSON *refs)
{
	const char **r;
	const cJSON *it;
	int k = 0;
	if (!cJSON_IsArray(refs))
		return NULL;
	r = arena_alloc(&p->arena, (size_t)(cJSON_GetArraySize(refs) + 1) * sizeof(*r));
	cJSON_ArrayForEach(it, refs)
		if (cJSON_IsString(it))
			r[k++] = arena_strdup(&p->arena, it->valuestring);
	r[k] = NULL;
	return r;
}

/* priv_check - the rebuilt check_def for a blob (one per check id) */
static const struct check_def *priv_check(struct view_priv *p, const cJSON *o)
{
	const char *id = jstr(o, "check") ? jstr(o, "check") : "unknown";
	const cJSON *fix = cJSON_GetObjectItemCaseSensitive(o, "fix");
	const cJSON *sym = cJSON_GetObjectItemCaseSensitive(o, "symptom");
	const cJSON *refs = cJSON_GetObjectItemCaseSensitive(o, "refs");
	struct check_def *c;
	int sev;

	for (size_t i = 0; i < p->nr_checks; i++)
		if (!strcmp(p->checks[i]->id, id))
			return p->checks[i];
	c = arena_alloc(&p->arena, sizeof(*c));
	c->id = arena_strdup(&p->arena, id);
	c->title = arena_strdup(&p->arena, jstr(o, "check_title") ? jstr(o, "check_title") : id);
	sev = severity_parse(jstr(o, "check_severity") ? jstr(o, "check_severity") : jstr(o, "severity"));
	c->severity = sev < 0 ? SEV_INFO : (enum severity)sev;
	c->symptom_code = arena_strdup(&p->arena, jstr(sym, "code"));
	c->symptom_text = arena_strdup(&p->arena, jtext(sym, "text"));
	if (cJSON_IsObject(fix))
		c->fix = blob_fix(p, fix);
	c->refs = blob_refs(p, refs);
	ALLOC_GROW(p->checks, p->nr_checks + 1, p->alloc_checks);
	p->checks[p->nr_checks++] = c;
	return c;
}

/* rebuild_finding - append the finding stored as blob to l */
static int rebuild_finding(struct view_priv *p, struct finding_list *l, const char *blob,
			   const char *path, char **err)
{
	cJSON *o = cJSON_Parse(blob);
	const cJSON *pa, *ev, *fix, *hop, *sym;
	const struct check_def *c;
	struct finding *f;
	int sev;

	if (!cJSON_IsObject(o) || !jstr(o, "id") || !jstr(o, "tenant") || !jstr(o, "subject")) {
		cJSON_Delete(o);
		*err = xstrfmt("%s: a stored finding is not valid JSON", path);
		return -1;
	}
	c = priv_check(p, o);
	f = finding_new(l, c, jstr(o, "tenant"), jstr(o, "provider") ? jstr(o, "provider") : "",
			jstr(o, "subject"), "%s", jstr(o, "summary") ? jstr(o, "summary") : "");
	snprintf(f->id, sizeof(f->id), "%s", jstr(o, "id"));
	sev = severity_parse(jstr(o, "severity"));
	f->severity = sev < 0 ? c->severity : (enum severity)sev;
	/* fix, symptom and refs are per finding (a check's default may be refined) */
	fix = cJSON_GetObjectItemCaseSensitive(o, "fix");
	f->fix = cJSON_IsObject(fix) ? blob_fix(p, fix) : NULL;
	sym = cJSON_GetObjectItemCaseSensitive(o, "symptom");
	f->symptom_code = arena_strdup(&p->arena, jstr(sym, "code"));
	f->symptom_text = arena_strdup(&p->arena, jtext(sym, "text"));
	f->refs = blob_refs(p, cJSON_GetObjectItemCaseSensitive(o, "refs"));
	if (jstr(o, "fix_note") || jstr(fix, "note"))
		f->fix_note = xstrdup(jstr(o, "fix_note") ? jstr(o, "fix_note") : jstr(fix, "note"));
	pa = cJSON_GetObjectItemCaseSensitive(o, "path");
	cJSON_ArrayForEach(hop, pa)
		if (jstr(hop, "address"))
			finding_add_hop(f, jstr(hop, "address"), jstr(hop, "via") ? jstr(hop, "via") : "",
					jstr(hop, "object"));
	ev = cJSON_GetObjectItemCaseSensitive(o, "evidence");
	if (cJSON_IsObject(ev)) {
		cJSON_Delete(f->evidence);
		f->evidence = cJSON_Duplicate(ev, 1);
	}
	cJSON_Delete(o);
	return 0;
}

/* load_findings - rebuild run's findings (matching tenants) into l; when
 * ids is set, also collect the ids (sorted by the query) */
static int load_findings(sqlite3 *db, const char *path, struct view_priv *p, long long run,
			 const char *const *tenants, struct finding_list *l, char ***ids, size_t *nr_ids,
			 char **err)
{
	sqlite3_stmt *st = run_query(db, path, "finding_id, data", "run_findings", "finding_id", run,
				     tenants, err);
	size_t alloc = 0;
	int rc, ret = 0;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (ids) {
			ALLOC_GROW(*ids, *nr_ids + 1, alloc);
			(*ids)[(*nr_ids)++] = col_dup(st, 0);
		}
		if (l && (ret = rebuild_finding(p, l, (const char *)sqlite3_column_text(st, 1), path, err)))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = db_error(db, path, NULL, err);
	sqlite3_finalize(st);
	return ret;
}

/* load_tenants - the run's tenants as snapshots (name, provider, errors) */
static int load_tenants(sqlite3 *db, const char *path, long long run, const char *const *tenants,
			struct audit_result *res, char **err)
{
	sqlite3_stmt *st = run_query(db, path, "tenant, provider, complete, errors", "run_tenants", "rowid",
				     run, tenants, err);
	size_t alloc = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct snapshot *s = snapshot_new((const char *)sqlite3_column_text(st, 0),
						  (const char *)sqlite3_column_text(st, 1));
		cJSON *errs = cJSON_Parse((const char *)sqlite3_column_text(st, 3)), *e;
		cJSON_ArrayForEach(e, errs)
			snapshot_add_error(s, jstr(e, "object") ? jstr(e, "object") : "",
					   jstr(e, "message") ? jstr(e, "message") : "",
					   jstr(e, "area"), jstr(e, "address"));
		cJSON_Delete(errs);
		s->source = "<history>";
		s->complete = sqlite3_column_int(st, 2) && !s->nr_errors;
		ALLOC_GROW(res->snapshots, res->nr_snapshots + 1, alloc);
		res->snapshots[res->nr_snapshots++] = s;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_error(db, path, NULL, err);
}

/* load_gaps - the run's checks not evaluated and its truncation flag */
static int load_gaps(sqlite3 *db, const char *path, struct view_priv *p, long long run,
		     const char *const *tenants, struct audit_result *res, char **err)
{
	sqlite3_stmt *st = run_query(db, path, "check_id, tenant, reason", "run_gaps", "rowid", run, tenants, err);
	struct finding_list *l = &res->findings;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ALLOC_GROW(l->gaps, l->nr_gaps + 1, l->alloc_gaps);
		l->gaps[l->nr_gaps].check = arena_strdup(&p->arena, (const char *)sqlite3_column_text(st, 0));
		l->gaps[l->nr_gaps].tenant = col_dup(st, 1);
		l->gaps[l->nr_gaps].reason = col_dup(st, 2);
		l->nr_gaps++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(db, path, NULL, err);
	if (!(st = prepare(db, path, "SELECT graph_truncated FROM runs WHERE id = ?", err)))
		return -1;
	sqlite3_bind_int64(st, 1, run);
	if (sqlite3_step(st) == SQLITE_ROW)
		res->graph_truncated = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return 0;
}

/* load_trends - per tenant, counts by severity over its last runs up to latest */
static int load_trends(sqlite3 *db, const char *path, const char *const *tenants,
		       const struct history_run *latest, struct history_view *v, char **err)
{
	char *filter = tenant_filter("t.tenant", tenants);
	char *sql = xstrfmt("SELECT t.tenant, t.provider, r.id, r.started_at,"
			    " t.complete AND NOT EXISTS (SELECT 1 FROM run_gaps g WHERE g.run_id = r.id AND g.tenant = t.tenant)"
			    " AND NOT r.graph_truncated"
			    " FROM run_tenants t JOIN runs r ON r.id = t.run_id"
			    " WHERE (r.started_at < ? OR (r.started_at = ? AND r.id <= ?))%s"
			    " ORDER BY t.tenant, r.started_at DESC, r.id DESC", filter);
	sqlite3_stmt *st = prepare(db, path, sql, err), *cnt = NULL;
	size_t alloc = 0, alloc_pts = 0;
	int rc, ret = -1;

	free(sql);
	free(filter);
	if (!st)
		return -1;
	if (!(cnt = prepare(db, path, "SELECT severity, count(*) FROM run_findings WHERE run_id = ? AND tenant = ?"
			    " GROUP BY severity", err)))
		goto out;
	sqlite3_bind_text(st, 1, latest->at, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, latest->at, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, latest->id);
	bind_tenants(st, 4, tenants);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *tenant = (const char *)sqlite3_column_text(st, 0);
		struct history_trend *t = v->nr_trends ? &v->trends[v->nr_trends - 1] : NULL;
		struct history_point *pt;
		int r2;

		if (!t || strcmp(t->tenant, tenant)) {
			ALLOC_GROW(v->trends, v->nr_trends + 1, alloc);
			t = &v->trends[v->nr_trends++];
			memset(t, 0, sizeof(*t));
			t->tenant = xstrdup(tenant);
			t->provider = col_dup(st, 1);
			alloc_pts = 0;
		}
		if (t->nr_points >= HISTORY_TREND_MAX)
			continue;
		/* the same tenant may appear twice in a run (two snapshots): count once */
		if (t->nr_points && t->points[t->nr_points - 1].run_id == sqlite3_column_int64(st, 2))
			continue;
		ALLOC_GROW(t->points, t->nr_points + 1, alloc_pts);
		pt = &t->points[t->nr_points++];
		memset(pt, 0, sizeof(*pt));
		pt->run_id = sqlite3_column_int64(st, 2);
		pt->at = col_dup(st, 3);
		pt->complete = sqlite3_column_int(st, 4);
		sqlite3_bind_int64(cnt, 1, pt->run_id);
		sqlite3_bind_text(cnt, 2, tenant, -1, SQLITE_TRANSIENT);
		while ((r2 = sqlite3_step(cnt)) == SQLITE_ROW) {
			int sev = severity_parse((const char *)sqlite3_column_text(cnt, 0));
			unsigned n = (unsigned)sqlite3_column_int(cnt, 1);
			if (sev >= 0)
				pt->sev[sev] += n;
			pt->total += n;
		}
		sqlite3_reset(cnt);
		if (r2 != SQLITE_DONE) {
			db_error(db, path, NULL, err);
			goto out;
		}
	}
	if (rc != SQLITE_DONE) {
		db_error(db, path, NULL, err);
		goto out;
	}
	/* oldest first */
	for (size_t i = 0; i < v->nr_trends; i++) {
		struct history_trend *t = &v->trends[i];
		for (size_t a = 0, b = t->nr_points ? t->nr_points - 1 : 0; a < b; a++, b--) {
			struct history_point tmp = t->points[a];
			t->points[a] = t->points[b];
			t->points[b] = tmp;
		}
	}
	ret = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(cnt);
	return ret;
}

/* cmp_str - qsort/bsearch comparator for an array of strings */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int history_view_load(const char *db_path, const char *const *tenants, const char *since,
		      struct history_view *v, char **err)
{
	struct view_priv *p = xcalloc(1, sizeof(*p));
	sqlite3 *db = NULL;
	char bound[21];
	struct finding_list base = { 0 };
	int ret = -1, r;

	*err = NULL;
	memset(v, 0, sizeof(*v));
	v->priv = p;
	v->db_path = xstrdup(db_path);
	if (since) {
		if (history_parse_time(since, bound)) {
			*err = xstrfmt("--since '%s': not an ISO date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM[:SS][Z])", since);
			return -1;
		}
		v->since = xstrdup(bound);
	}
	if (db_open(db_path, false, &db, err))
		return -1;
	if ((r = find_run(db, db_path, tenants, NULL, NULL, &v->latest, err)) <= 0) {
		ret = r < 0 ? -1 : 1;
		goto out;
	}
	r = since ? find_run(db, db_path, tenants, v->since, NULL, &v->baseline, err) :
		    find_run(db, db_path, tenants, NULL, &v->latest, &v->baseline, err);
	if (r < 0)
		goto out;
	/* a --since bound after the latest run leaves the latest run as its own baseline */
	v->has_baseline = r > 0 && v->baseline.id != v->latest.id;
	if (r > 0 && !v->has_baseline)
		FREE_AND_NULL(v->baseline.at);

	snprintf(v->result.generated_at, sizeof(v->result.generated_at), "%s", v->latest.at);
	if (load_tenants(db, db_path, v->latest.id, tenants, &v->result, err) ||
	    load_gaps(db, db_path, p, v->latest.id, tenants, &v->result, err) ||
	    load_findings(db, db_path, p, v->latest.id, tenants, &v->result.findings, NULL, NULL, err))
		goto out;
	finding_list_sort(&v->result.findings);
	if (v->has_baseline) {
		if (load_findings(db, db_path, p, v->baseline.id, tenants, &base, &v->baseline_ids,
				  &v->nr_baseline_ids, err))
			goto out;
		qsort(v->baseline_ids, v->nr_baseline_ids, sizeof(char *), cmp_str);
		/* resolved: in the baseline, not in the latest run */
		for (size_t i = 0; i < base.nr; i++) {
			bool still = false;
			for (size_t j = 0; j < v->result.findings.nr && !still; j++)
				still = !strcmp(v->result.findings.items[j].id, base.items[i].id);
			if (still)
				continue;
			ALLOC_GROW(v->resolved.items, v->resolved.nr + 1, v->resolved.alloc);
			v->resolved.items[v->resolved.nr++] = base.items[i];
			memset(&base.items[i], 0, sizeof(base.items[i]));
			base.items[i].evidence = NULL;
		}
		finding_list_sort(&v->resolved);
	}
	for (size_t i = 0; i < v->result.findings.nr; i++) {
		if (!strcmp(history_status(v, v->result.findings.items[i].id), "new"))
			v->nr_new++;
		else
			v->nr_persisting++;
	}
	if (load_trends(db, db_path, tenants, &v->latest, v, err))
		goto out;
	v->latest.complete = audit_complete(&v->result);
	ret = 0;
out:
	/* base's moved-out items were zeroed: releasing frees only the rest */
	finding_list_release(&base);
	sqlite3_close(db);
	return ret;
}

const char *history_status(const struct history_view *v, const char *id)
{
	if (!v->has_baseline)
		return "new";
	return bsearch(&id, v->baseline_ids, v->nr_baseline_ids, sizeof(char *), cmp_str) ?
		"persisting" : "new";
}

void history_view_release(struct history_view *v)
{
	struct view_priv *p = v->priv;
	finding_list_release(&v->result.findings);
	for (size_t i = 0; i < v->result.nr_snapshots; i++)
		snapshot_free(v->result.snapshots[i]);
	free(v->result.snapshots);
	finding_list_release(&v->resolved);
	for (size_t i = 0; i < v->nr_baseline_ids; i++)
		free(v->baseline_ids[i]);
	free(v->baseline_ids);
	for (size_t i = 0; i < v->nr_trends; i++) {
		for (size_t j = 0; j < v->trends[i].nr_points; j++)
			free(v->trends[i].points[j].at);
		free(v->trends[i].points);
		free(v->trends[i].tenant);
		free(v->trends[i].provider);
	}
	free(v->trends);
	free(v->latest.at);
	free(v->baseline.at);
	free(v->since);
	free(v->db_path);
	if (p) {
		arena_release(&p->arena);
		free(p->checks);
		free(p);
	}
	memset(v, 0, sizeof(*v));
}
