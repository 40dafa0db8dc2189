/*
 * snapshot_read.c - JSON text to struct snapshot (schema aliasaudit.snapshot/1,
 * documented in docs/snapshot.md).
 *
 * Public: snapshot_read_file, snapshot_parse.
 *
 * How: the whole file is read once. A pre-pass rejects NUL bytes and invalid
 * UTF-8 (cJSON checks neither). The top-level object is then walked here and
 * each member value - and each element of the big top-level arrays
 * (recipients, forwards, ...) - is parsed on its own with cJSON and converted
 * straight into the snapshot's arena before the next one is parsed. So the
 * peak memory is the file plus the snapshot plus one element's cJSON tree,
 * never a cJSON tree of the whole file (which would cost ~1 KB per recipient).
 *
 * Diagnostics: exactly one line, "FILE: JSON.PATH: problem" for a value that
 * does not fit the schema, "FILE: line L, column C: problem" for text that is
 * not JSON. Messages never carry raw control characters: user-supplied text
 * is escaped and shortened (see put_quoted).
 *
 * Ownership: *out is the caller's (snapshot_free); *err is the caller's (free).
 */
#include "core/snapshot.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Field length caps (bytes, after JSON unescaping); documented in docs/snapshot.md */
#define ADDR_MAX_LEN 320      /* RFC 5321: 64 local + @ + 255 domain */
#define DOMAIN_MAX_LEN 255
#define NAME_MAX_LEN 255      /* tenant, provider */
#define TEXT_MAX_LEN 65536    /* names, ids, error messages, ... */
#define KEY_MAX_LEN 1024      /* longest top-level key we look at */
#define CONTEXT_CHARS 20      /* text shown after "near" */
#define QUOTE_MAX 60          /* longest value quoted in a message */

/* one step of a JSON path, chained on the stack; formatted only on error */
struct jpath {
	const struct jpath *up;
	const char *key; /* NULL: an array subscript of up */
	long idx;        /* >= 0: subscript */
};

struct reader {
	const char *name;
	const char *buf, *end;
	struct snapshot *s;
	char *err;
	bool seen_schema;
	bool has_complete, complete;
	char *pool;             /* string pool: see pool_alloc */
	size_t pool_left;
};

/* growable array of converted elements, copied into the arena when done */
struct vec {
	char *data;
	size_t nr, alloc, size;
};

/* value flags for strings */
enum {
	F_REQ = 1,       /* required */
	F_ADDR = 2,      /* an address or domain: non-empty, no control characters */
};

/* ---- message helpers ---------------------------------------------------- */

/* put_quoted - append s (n bytes) with non-printables escaped, shortened to max */
static void put_quoted(struct strbuf *sb, const char *s, size_t n, size_t max)
{
	size_t shown = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (shown >= max) {
			strbuf_puts(sb, "...");
			return;
		}
		if (c == '\n')
			strbuf_puts(sb, "\\n");
		else if (c == '\t')
			strbuf_puts(sb, "\\t");
		else if (c == '\\')
			strbuf_puts(sb, "\\\\");
		else if (c < 0x20 || c >= 0x7f)
			strbuf_putf(sb, "\\x%02x", c);
		else
			strbuf_putf(sb, "%c", c);
		shown++;
	}
}

/* put_path - append p as "a.b[3].c" */
static void put_path(struct strbuf *sb, const struct jpath *p)
{
	if (!p)
		return;
	put_path(sb, p->up);
	if (p->key) {
		if (p->up)
			strbuf_puts(sb, ".");
		strbuf_puts(sb, p->key);
	}
	if (p->idx >= 0)
		strbuf_putf(sb, "[%ld]", p->idx);
}

/* start_msg - "NAME: " with the file name made printable */
static void start_msg(struct strbuf *sb, const struct reader *rd)
{
	put_quoted(sb, rd->name, strlen(rd->name), 4096);
	strbuf_puts(sb, ": ");
}

/* fail_path - record "NAME: PATH: message"; returns -1 */
__attribute__((format(printf, 3, 4)))
static int fail_path(struct reader *rd, const struct jpath *p, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;
	start_msg(&sb, rd);
	if (p) {
		put_path(&sb, p);
		strbuf_puts(&sb, ": ");
	}
	va_start(ap, fmt);
	if (strbuf_vaddf(&sb, fmt, ap) < 0)
		BUG("uncapped strbuf failed");
	va_end(ap);
	free(rd->err);
	rd->err = strbuf_detach(&sb, NULL);
	return -1;
}

/* line_col - 1-based line and column (in characters) of offset off */
static void line_col(const struct reader *rd, size_t off, size_t *line, size_t *col)
{
	const char *p = rd->buf, *stop = rd->buf + off, *bol = rd->buf;
	size_t l = 1, c = 1;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		if (!nl)
			break;
		l++;
		p = bol = nl + 1;
	}
	for (p = bol; p < stop; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			c++;
	*line = l;
	*col = c;
}

/* fail_at - record "NAME: line L, column C: message" for position at; returns -1 */
__attribute__((format(printf, 3, 4)))
static int fail_at(struct reader *rd, const char *at, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	size_t line, col;
	va_list ap;
	if (at > rd->end)
		at = rd->end;
	line_col(rd, (size_t)(at - rd->buf), &line, &col);
	start_msg(&sb, rd);
	strbuf_putf(&sb, "line %zu, column %zu: ", line, col);
	va_start(ap, fmt);
	if (strbuf_vaddf(&sb, fmt, ap) < 0)
		BUG("uncapped strbuf failed");
	va_end(ap);
	free(rd->err);
	rd->err = strbuf_detach(&sb, NULL);
	return -1;
}

/* fail_syntax - "invalid JSON near '...'" or "unexpected end of input" at 'at' */
static int fail_syntax(struct reader *rd, const char *at)
{
	struct strbuf ctx = STRBUF_INIT;
	int ret;
	if (at >= rd->end)
		return fail_at(rd, rd->end, "unexpected end of input");
	put_quoted(&ctx, at, (size_t)(rd->end - at), CONTEXT_CHARS);
	ret = fail_at(rd, at, "invalid JSON near '%s'", ctx.buf);
	strbuf_release(&ctx);
	return ret;
}

/* type_name - the JSON type of v, for "want X, got Y" */
static const char *type_name(const cJSON *v)
{
	if (cJSON_IsObject(v))
		return "object";
	if (cJSON_IsArray(v))
		return "array";
	if (cJSON_IsString(v))
		return "string";
	if (cJSON_IsNumber(v))
		return "number";
	if (cJSON_IsBool(v))
		return "boolean";
	if (cJSON_IsNull(v))
		return "null";
	return "invalid value";
}

/* ---- raw text scanning -------------------------------------------------- */

/* skip_ws - first non-whitespace byte at or after p */
static const char *skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

#define HASZERO(v) (((v) - 0x0101010101010101ULL) & ~(v) & 0x8080808080808080ULL)

/* check_bytes - reject NUL bytes, invalid UTF-8 and \u0000 escapes anywhere */
static int check_bytes(struct reader *rd)
{
	const unsigned char *s = (const unsigned char *)rd->buf;
	size_t len = (size_t)(rd->end - rd->buf), i = 0;

	while (i < len) {
		if (i + 8 <= len) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			if (!(w & 0x8080808080808080ULL) && !HASZERO(w)) {
				i += 8;
				continue;
			}
		}
		unsigned c = s[i];
		if (c == 0)
			return fail_at(rd, rd->buf + i, "NUL byte in the input");
		if (c < 0x80) {
			i++;
			continue;
		}
		size_t n;
		uint32_t cp;
		if (c >= 0xc2 && c <= 0xdf)
			n = 1, cp = c & 0x1f;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2, cp = c & 0x0f;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3, cp = c & 0x07;
		else
			goto bad;
		if (n >= len - i)
			goto bad;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				goto bad;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10ffff)))
			goto bad;
		i += n + 1;
		continue;
bad:
		return fail_at(rd, rd->buf + i, "invalid UTF-8 (byte 0x%02x)", c);
	}

	/* cJSON turns "\u0000" into a NUL that silently cuts the string short */
	for (const char *p = rd->buf; (p = memmem(p, (size_t)(rd->end - p), "\\u0000", 6)); p += 6) {
		size_t bs = 0;
		for (const char *q = p; q > rd->buf && q[-1] == '\\'; q--)
			bs++;
		if (bs % 2 == 0)
			return fail_at(rd, p, "\\u0000 (NUL) in a string is not supported");
	}
	return 0;
}

/* skip_value - end of the JSON value at p, without building anything.
 * Lax (it only tracks strings and brackets); returns NULL when the text is
 * not JSON, setting *eof when it ended inside the value. Iterative, so any
 * nesting depth is fine. */
static const char *skip_value(const char *p, const char *end, bool *eof)
{
	long depth = 0;
	*eof = false;
	for (;;) {
		p = skip_ws(p, end);
		if (p >= end)
			goto out_eof;
		switch (*p) {
		case '"':
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
			if (p >= end)
				goto out_eof;
			p++;
			break;
		case '[': case '{':
			depth++;
			p++;
			continue;
		case ']': case '}':
			if (--depth < 0)
				return NULL;
			p++;
			break;
		case ',': case ':':
			if (!depth)
				return NULL;
			p++;
			continue;
		default:
			if (!strchr("-0123456789tfn", *p))
				return NULL;
			while (p < end && strchr("+-.0123456789eEtruefalsn", *p))
				p++;
			/* our values always sit inside the top-level object, so a
			 * literal that runs into the end was cut short */
			if (p >= end)
				goto out_eof;
			break;
		}
		if (!depth)
			return p;
	}
out_eof:
	*eof = true;
	return NULL;
}

/* depth_at - bracket nesting depth at stop, counted from start */
static long depth_at(const char *start, const char *stop)
{
	long depth = 0, max = 0;
	for (const char *p = start; p < stop; p++) {
		if (*p == '"') {
			for (p++; p < stop && *p != '"'; p++)
				if (*p == '\\')
					p++;
		} else if (*p == '[' || *p == '{') {
			if (++depth > max)
				max = depth;
		} else if (*p == ']' || *p == '}') {
			depth--;
		}
	}
	return depth;
}

/* parse_value - parse the one JSON value at p with cJSON; *next is set after it */
static cJSON *parse_value(struct reader *rd, const char *p, const char **next)
{
	const char *stop = NULL;
	cJSON *v;

	p = skip_ws(p, rd->end);
	if (p >= rd->end) {
		fail_syntax(rd, p);
		return NULL;
	}
	v = cJSON_ParseWithLengthOpts(p, (size_t)(rd->end - p), &stop, 0);
	if (v) {
		*next = stop;
		return v;
	}
	/* cJSON says where it gave up; tell nesting and truncation apart */
	bool eof;
	if (!stop || stop < p || stop >= rd->end)
		stop = p;
	if ((*stop == '[' || *stop == '{') && depth_at(p, stop) >= CJSON_NESTING_LIMIT - 1) {
		fail_at(rd, stop, "nested deeper than %d levels", CJSON_NESTING_LIMIT);
		return NULL;
	}
	if (!skip_value(p, rd->end, &eof) && eof) {
		fail_at(rd, rd->end, "unexpected end of input");
		return NULL;
	}
	fail_syntax(rd, stop);
	return NULL;
}

/* key_cmp - qsort order of member names */
static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* check_unique_keys - refuse an object (at any depth of v) that names a
 * member twice: a snapshot is evidence, and "the first one wins" would
 * silently drop the other. Sorting keeps a huge object O(n log n). */
static int check_unique_keys(struct reader *rd, const struct jpath *p, const cJSON *v)
{
	size_t n = 0, i = 0;
	const char **keys;
	long idx = 0;
	int ret = 0;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	for (const cJSON *c = v->child; c; c = c->next, idx++) {
		struct jpath cp = { p, cJSON_IsObject(v) ? c->string : NULL, cJSON_IsObject(v) ? -1 : idx };
		if (check_unique_keys(rd, &cp, c))
			return -1;
		n++;
	}
	if (!cJSON_IsObject(v) || n < 2)
		return 0;
	keys = xmalloc(n * sizeof(*keys));
	for (const cJSON *c = v->child; c; c = c->next)
		keys[i++] = c->string ? c->string : "";
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 1; i < n && !ret; i++)
		if (!strcmp(keys[i - 1], keys[i])) {
			struct jpath dp = { p, keys[i], -1 };
			ret = fail_path(rd, &dp, "appears twice in one object");
		}
	free(keys);
	return ret;
}

/* ---- arena copies ------------------------------------------------------- */

#define POOL_CHUNK 65536

/* pool_alloc - n bytes (align: 1 or 8) from the reader's string pool inside the
 * arena: strings are packed end to end instead of each rounded up to 16 */
static void *pool_alloc(struct reader *rd, size_t n, size_t align)
{
	size_t pad = (align - ((uintptr_t)rd->pool & (align - 1))) & (align - 1);
	if (n + pad > rd->pool_left) {
		if (n > POOL_CHUNK / 4)
			return arena_alloc(&rd->s->arena, n);
		rd->pool = arena_alloc(&rd->s->arena, POOL_CHUNK);
		rd->pool_left = POOL_CHUNK;
		pad = 0;
	}
	char *p = rd->pool + pad;
	rd->pool = p + n;
	rd->pool_left -= n + pad;
	return p;
}

/* pool_strdup - a copy of s (n bytes) in the pool */
static const char *pool_strdup(struct reader *rd, const char *s, size_t n)
{
	char *p = pool_alloc(rd, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* ---- typed getters ------------------------------------------------------ */

#define MAX_FIELDS 16

/* fields - the known members of one object, looked up in a single pass */
struct fields {
	const char *const *names;
	const cJSON *v[MAX_FIELDS];
};

/* fields_collect - find each of names[] in o (the first of duplicates wins) */
static void fields_collect(struct fields *f, const cJSON *o, const char *const *names, size_t n)
{
	f->names = names;
	memset(f->v, 0, sizeof(f->v));
	for (const cJSON *c = o->child; c; c = c->next) {
		const char *k = c->string;
		for (size_t i = 0; k && i < n; i++)
			if (k[0] == names[i][0] && !f->v[i] && !strcmp(k, names[i])) {
				f->v[i] = c;
				break;
			}
	}
}

/* field - member i, NULL when absent or JSON null */
static const cJSON *field(const struct fields *f, int i)
{
	return cJSON_IsNull(f->v[i]) ? NULL : f->v[i];
}

/* member - obj[key]; a JSON null counts as absent */
static const cJSON *member(const cJSON *obj, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	return cJSON_IsNull(v) ? NULL : v;
}

/* check_str - type, emptiness, control characters and length of a string
 * value; *len is set to its length */
static int check_str(struct reader *rd, const struct jpath *p, const cJSON *v,
		     int flags, size_t cap, size_t *len)
{
	if (!cJSON_IsString(v) || !v->valuestring)
		return fail_path(rd, p, "want a string, got %s", type_name(v));
	const char *s = v->valuestring;
	size_t n = strlen(s);
	if (n > cap)
		return fail_path(rd, p, "longer than %zu bytes", cap);
	if (flags & F_ADDR) {
		if (!n)
			return fail_path(rd, p, "empty");
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7f)
				return fail_path(rd, p, "control character 0x%02x at byte %zu", c, i);
		}
	}
	*len = n;
	return 0;
}

/* get_str - member i as a pooled string (NULL when absent and optional) */
static int get_str(struct reader *rd, const struct jpath *up, const struct fields *f,
		   int i, int flags, size_t cap, const char **out)
{
	struct jpath p = { up, f->names[i], -1 };
	const cJSON *v = field(f, i);
	size_t n;
	*out = NULL;
	if (!v)
		return (flags & F_REQ) ? fail_path(rd, &p, "missing") : 0;
	if (check_str(rd, &p, v, flags, cap, &n))
		return -1;
	*out = pool_strdup(rd, v->valuestring, n);
	return 0;
}

/* get_bool - member i as a bool; def when absent (or an error if required) */
static int get_bool(struct reader *rd, const struct jpath *up, const struct fields *f,
		    int i, int flags, bool def, bool *out)
{
	struct jpath p = { up, f->names[i], -1 };
	const cJSON *v = field(f, i);
	*out = def;
	if (!v)
		return (flags & F_REQ) ? fail_path(rd, &p, "missing") : 0;
	if (!cJSON_IsBool(v))
		return fail_path(rd, &p, "want true or false, got %s", type_name(v));
	*out = cJSON_IsTrue(v);
	return 0;
}

/* get_tri - member i as a tristate; TRI_UNSET when absent */
static int get_tri(struct reader *rd, const struct jpath *up, const struct fields *f,
		   int i, enum tristate *out)
{
	bool b;
	*out = TRI_UNSET;
	if (!field(f, i))
		return 0;
	if (get_bool(rd, up, f, i, 0, false, &b))
		return -1;
	*out = b ? TRI_TRUE : TRI_FALSE;
	return 0;
}

/* get_long - member i as an integer (exact in a double); def when absent */
static int get_long(struct reader *rd, const struct jpath *up, const struct fields *f,
		    int i, long def, long *out)
{
	struct jpath p = { up, f->names[i], -1 };
	const cJSON *v = field(f, i);
	*out = def;
	if (!v)
		return 0;
	if (!cJSON_IsNumber(v))
		return fail_path(rd, &p, "want an integer, got %s", type_name(v));
	double d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || fabs(d) > 9007199254740992.0)
		return fail_path(rd, &p, "want an integer, got %g", d);
	*out = (long)d;
	return 0;
}

/* get_enum - member i through a *_parse function; name() lists the values */
static int get_enum(struct reader *rd, const struct jpath *up, const struct fields *f,
		    int i, int flags, int def, int (*parse)(const char *),
		    const char *(*name)(int), int *out)
{
	struct jpath p = { up, f->names[i], -1 };
	const cJSON *v = field(f, i);
	*out = def;
	if (!v)
		return (flags & F_REQ) ? fail_path(rd, &p, "missing") : 0;
	if (!cJSON_IsString(v))
		return fail_path(rd, &p, "want a string, got %s", type_name(v));
	int e = parse(v->valuestring);
	if (e >= 0) {
		*out = e;
		return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "unknown value \"");
	put_quoted(&sb, v->valuestring, strlen(v->valuestring), QUOTE_MAX);
	strbuf_puts(&sb, "\" (want ");
	for (int k = 0; strcmp(name(k), "?"); k++)
		strbuf_putf(&sb, "%s%s", k ? ", " : "", name(k));
	strbuf_puts(&sb, ")");
	fail_path(rd, &p, "%s", sb.buf);
	strbuf_release(&sb);
	return -1;
}

/* get_str_array - member i as a pooled array of strings (empty when absent) */
static int get_str_array(struct reader *rd, const struct jpath *up, const struct fields *f,
			 int i, int flags, size_t cap, const char ***out, size_t *nr)
{
	struct jpath p = { up, f->names[i], -1 };
	const cJSON *v = field(f, i), *it;
	size_t n = 0, len;
	*out = NULL;
	*nr = 0;
	if (!v)
		return (flags & F_REQ) ? fail_path(rd, &p, "missing") : 0;
	if (!cJSON_IsArray(v))
		return fail_path(rd, &p, "want an array, got %s", type_name(v));
	for (it = v->child; it; it = it->next)
		n++;
	const char **arr = n ? pool_alloc(rd, n * sizeof(*arr), sizeof(void *)) : NULL;
	n = 0;
	for (it = v->child; it; it = it->next) {
		struct jpath ip = { &p, NULL, (long)n };
		if (check_str(rd, &ip, it, flags & ~F_REQ, cap, &len))
			return -1;
		arr[n++] = pool_strdup(rd, it->valuestring, len);
	}
	*out = arr;
	*nr = n;
	return 0;
}

/* want_object - elements of every section are objects; collects their fields */
static int want_object(struct reader *rd, const struct jpath *p, const cJSON *v,
		       struct fields *f, const char *const *names, size_t n)
{
	if (!cJSON_IsObject(v))
		return fail_path(rd, p, "want an object, got %s", type_name(v));
	fields_collect(f, v, names, n);
	return 0;
}

#define WANT_OBJECT(rd, p, o, f, names) want_object(rd, p, o, f, names, ARRAY_SIZE(names))

/* enum adapters: the name/parse tables take their own enum types */
static const char *dt_name(int v) { return domain_type_name((enum domain_type)v); }
static const char *rk_name(int v) { return recipient_kind_name((enum recipient_kind)v); }
static const char *via_name(int v) { return forward_via_name((enum forward_via)v); }
static const char *mode_name(int v) { return forwarding_mode_name((enum forwarding_mode)v); }
static const char *scope_name(int v) { return catch_all_scope_name((enum catch_all_scope)v); }
/* group_kind and action have no index-0 name: shift so get_enum can list them */
static const char *gk_name(int v) { const char *n = group_kind_name((enum group_kind)(v + 1)); return n ? n : "?"; }
static int gk_parse(const char *s) { int v = group_kind_parse(s); return v < 0 ? -1 : v - 1; }
static const char *fa_name(int v) { const char *n = forward_action_name((enum forward_action)(v + 1)); return n ? n : "?"; }
static int fa_parse(const char *s) { int v = forward_action_parse(s); return v < 0 ? -1 : v - 1; }

/* ---- section elements --------------------------------------------------- */

static const char *const error_areas[] = {
	"domains", "recipients", "forwards", "auto_replies", "send_as",
	"policy.send_from_alias", "policy.plus_addressing", "policy.outbound_forwarding",
	"policy.remote_domains", "policy.auto_forwarding_ou", "policy.catch_all",
};

/* conv_error - one errors[] entry */
static int conv_error(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "object", "message", "area", "address" };
	struct snapshot_error *e = out;
	struct fields f;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ, TEXT_MAX_LEN, &e->object) ||
	    get_str(rd, p, &f, 1, F_REQ, TEXT_MAX_LEN, &e->message) ||
	    get_str(rd, p, &f, 2, 0, TEXT_MAX_LEN, &e->area) ||
	    get_str(rd, p, &f, 3, F_ADDR, ADDR_MAX_LEN, &e->address))
		return -1;
	if (e->area) {
		for (size_t i = 0; i < ARRAY_SIZE(error_areas); i++)
			if (!strcmp(e->area, error_areas[i]))
				return 0;
		struct jpath ap = { p, "area", -1 };
		struct strbuf sb = STRBUF_INIT;
		put_quoted(&sb, e->area, strlen(e->area), QUOTE_MAX);
		strbuf_puts(&sb, "\" (want ");
		for (size_t i = 0; i < ARRAY_SIZE(error_areas); i++)
			strbuf_putf(&sb, "%s%s", i ? ", " : "", error_areas[i]);
		fail_path(rd, &ap, "unknown value \"%s)", sb.buf);
		strbuf_release(&sb);
		return -1;
	}
	return 0;
}

/* conv_domain - one domains[] entry */
static int conv_domain(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "name", "type", "primary" };
	struct snapshot_domain *d = out;
	struct fields f;
	int type;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, DOMAIN_MAX_LEN, &d->name) ||
	    get_enum(rd, p, &f, 1, 0, DOM_AUTHORITATIVE, domain_type_parse, dt_name, &type) ||
	    get_bool(rd, p, &f, 2, 0, false, &d->primary))
		return -1;
	d->type = (enum domain_type)type;
	return 0;
}

/* conv_recipient - one recipients[] entry */
static int conv_recipient(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "address", "kind", "enabled", "has_mailbox",
		"aliases", "members", "org_unit", "id", "name", "group_kind", "external_address",
		"guest", "remote_mailbox" };
	struct snapshot_recipient *r = out;
	struct fields f;
	int kind, gk;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, ADDR_MAX_LEN, &r->address) ||
	    get_enum(rd, p, &f, 1, F_REQ, 0, recipient_kind_parse, rk_name, &kind) ||
	    get_tri(rd, p, &f, 2, &r->enabled) ||
	    get_tri(rd, p, &f, 3, &r->has_mailbox) ||
	    get_str_array(rd, p, &f, 4, F_ADDR, ADDR_MAX_LEN, &r->aliases, &r->nr_aliases) ||
	    get_str_array(rd, p, &f, 5, F_ADDR, ADDR_MAX_LEN, &r->members, &r->nr_members) ||
	    get_str(rd, p, &f, 6, 0, TEXT_MAX_LEN, &r->org_unit) ||
	    get_str(rd, p, &f, 7, 0, TEXT_MAX_LEN, &r->id) ||
	    get_str(rd, p, &f, 8, 0, TEXT_MAX_LEN, &r->name) ||
	    get_enum(rd, p, &f, 9, 0, -1, gk_parse, gk_name, &gk) ||
	    get_str(rd, p, &f, 10, F_ADDR, ADDR_MAX_LEN, &r->external_address) ||
	    get_bool(rd, p, &f, 11, 0, false, &r->guest) ||
	    get_bool(rd, p, &f, 12, 0, false, &r->remote_mailbox))
		return -1;
	r->kind = (enum recipient_kind)kind;
	r->group_kind = (enum group_kind)(gk + 1);
	return 0;
}

/* conv_forward - one forwards[] entry; the keep_copy default depends on via */
static int conv_forward(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "from", "to", "via", "keep_copy", "enabled",
		"conditional", "name", "id", "action" };
	struct snapshot_forward *fw = out;
	struct fields f;
	int via, action;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, ADDR_MAX_LEN, &fw->from) ||
	    get_str_array(rd, p, &f, 1, F_REQ | F_ADDR, ADDR_MAX_LEN, &fw->to, &fw->nr_to) ||
	    get_enum(rd, p, &f, 2, F_REQ, 0, forward_via_parse, via_name, &via))
		return -1;
	fw->via = (enum forward_via)via;
	/* a rule or filter forwards a copy; mailbox-level and routing forwards replace delivery */
	bool keep_def = fw->via == VIA_INBOX_RULE || fw->via == VIA_GMAIL_FILTER;
	if (get_bool(rd, p, &f, 3, 0, keep_def, &fw->keep_copy) ||
	    get_bool(rd, p, &f, 4, 0, true, &fw->enabled) ||
	    get_bool(rd, p, &f, 5, 0, false, &fw->conditional) ||
	    get_str(rd, p, &f, 6, 0, TEXT_MAX_LEN, &fw->name) ||
	    get_str(rd, p, &f, 7, 0, TEXT_MAX_LEN, &fw->id) ||
	    get_enum(rd, p, &f, 8, 0, -1, fa_parse, fa_name, &action))
		return -1;
	fw->action = (enum forward_action)(action + 1);
	return 0;
}

/* conv_auto_reply - one auto_replies[] entry */
static int conv_auto_reply(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "address", "enabled", "external" };
	struct snapshot_auto_reply *a = out;
	struct fields f;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, ADDR_MAX_LEN, &a->address) ||
	    get_bool(rd, p, &f, 1, F_REQ, false, &a->enabled) ||
	    get_tri(rd, p, &f, 2, &a->external))
		return -1;
	return 0;
}

/* conv_send_as - one send_as[] entry */
static int conv_send_as(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "owner", "address", "treat_as_alias", "verified",
		"primary" };
	struct snapshot_send_as *a = out;
	struct fields f;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, ADDR_MAX_LEN, &a->owner) ||
	    get_str(rd, p, &f, 1, F_REQ | F_ADDR, ADDR_MAX_LEN, &a->address) ||
	    get_tri(rd, p, &f, 2, &a->treat_as_alias) ||
	    get_tri(rd, p, &f, 3, &a->verified) ||
	    get_bool(rd, p, &f, 4, 0, false, &a->primary))
		return -1;
	return 0;
}

/* conv_outbound - one policy.outbound_forwarding[] entry */
static int conv_outbound(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "name", "mode", "default", "priority", "users",
		"groups", "domains", "except_users", "except_groups", "except_domains" };
	struct outbound_policy *op = out;
	struct fields f;
	int mode;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ, TEXT_MAX_LEN, &op->name) ||
	    get_enum(rd, p, &f, 1, F_REQ, 0, forwarding_mode_parse, mode_name, &mode) ||
	    get_bool(rd, p, &f, 2, 0, false, &op->is_default) ||
	    get_long(rd, p, &f, 3, 0, &op->priority) ||
	    get_str_array(rd, p, &f, 4, F_ADDR, ADDR_MAX_LEN, &op->users, &op->nr_users) ||
	    get_str_array(rd, p, &f, 5, F_ADDR, ADDR_MAX_LEN, &op->groups, &op->nr_groups) ||
	    get_str_array(rd, p, &f, 6, F_ADDR, DOMAIN_MAX_LEN, &op->domains, &op->nr_domains) ||
	    get_str_array(rd, p, &f, 7, F_ADDR, ADDR_MAX_LEN, &op->except_users, &op->nr_except_users) ||
	    get_str_array(rd, p, &f, 8, F_ADDR, ADDR_MAX_LEN, &op->except_groups, &op->nr_except_groups) ||
	    get_str_array(rd, p, &f, 9, F_ADDR, DOMAIN_MAX_LEN, &op->except_domains,
			  &op->nr_except_domains))
		return -1;
	op->mode = (enum forwarding_mode)mode;
	return 0;
}

/* conv_remote_domain - one policy.remote_domains[] entry */
static int conv_remote_domain(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "domain", "auto_forward" };
	struct remote_domain *d = out;
	struct fields f;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, DOMAIN_MAX_LEN, &d->domain) ||
	    get_bool(rd, p, &f, 1, F_REQ, false, &d->auto_forward))
		return -1;
	return 0;
}

/* conv_ou - one policy.auto_forwarding_ou[] entry: for an OU (org_unit) or,
 * v1 extension, for a group's members (group); exactly one of the two */
static int conv_ou(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "org_unit", "enabled", "group" };
	struct ou_forwarding *ou = out;
	struct fields f;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, 0, TEXT_MAX_LEN, &ou->org_unit) ||
	    get_bool(rd, p, &f, 1, F_REQ, false, &ou->enabled) ||
	    get_str(rd, p, &f, 2, F_ADDR, ADDR_MAX_LEN, &ou->group))
		return -1;
	if (!ou->org_unit && !ou->group) {
		struct jpath op = { p, "org_unit", -1 };
		return fail_path(rd, &op, "missing (an entry names an org_unit or a group)");
	}
	if (ou->org_unit && ou->group) {
		struct jpath gp = { p, "group", -1 };
		return fail_path(rd, &gp, "set together with org_unit (an entry is for an OU or a group, not both)");
	}
	return 0;
}

/* conv_catch_all - one policy.catch_all[] entry */
static int conv_catch_all(struct reader *rd, const struct jpath *p, const cJSON *o, void *out)
{
	static const char *const names[] = { "domain", "target", "scope", "source", "name" };
	struct catch_all *c = out;
	struct fields f;
	int scope;
	if (WANT_OBJECT(rd, p, o, &f, names) ||
	    get_str(rd, p, &f, 0, F_REQ | F_ADDR, DOMAIN_MAX_LEN, &c->domain) ||
	    get_str(rd, p, &f, 1, F_REQ | F_ADDR, ADDR_MAX_LEN, &c->target) ||
	    get_enum(rd, p, &f, 2, F_REQ, 0, catch_all_scope_parse, scope_name, &scope) ||
	    get_str(rd, p, &f, 3, 0, TEXT_MAX_LEN, &c->source) ||
	    get_str(rd, p, &f, 4, 0, TEXT_MAX_LEN, &c->name))
		return -1;
	c->scope = (enum catch_all_scope)scope;
	return 0;
}

typedef int (*conv_fn)(struct reader *rd, const struct jpath *p, const cJSON *o, void *out);

/* vec_push - a zeroed slot at the end of v */
static void *vec_push(struct vec *v)
{
	if (v->nr == v->alloc) {
		v->alloc = v->alloc ? v->alloc * 3 / 2 : 64;
		v->data = xreallocarray(v->data, v->alloc, v->size);
	}
	void *slot = v->data + v->nr++ * v->size;
	memset(slot, 0, v->size);
	return slot;
}

/* vec_to_arena - copy v into the arena (NULL when empty) and free it */
static void *vec_to_arena(struct reader *rd, struct vec *v, size_t *nr)
{
	void *arr = NULL;
	if (v->nr) {
		arr = arena_alloc(&rd->s->arena, v->nr * v->size);
		memcpy(arr, v->data, v->nr * v->size);
	}
	*nr = v->nr;
	FREE_AND_NULL(v->data);
	v->nr = v->alloc = 0;
	return arr;
}

/* conv_array - a parsed (small) array, element by element, into the arena */
static int conv_array(struct reader *rd, const struct jpath *p, const cJSON *arr,
		      size_t size, conv_fn conv, void **out, size_t *nr)
{
	const cJSON *it;
	size_t n = 0;
	if (!cJSON_IsArray(arr))
		return fail_path(rd, p, "want an array, got %s", type_name(arr));
	*nr = (size_t)cJSON_GetArraySize(arr);
	*out = *nr ? arena_alloc(&rd->s->arena, *nr * size) : NULL;
	cJSON_ArrayForEach(it, arr) {
		struct jpath ip = { p, NULL, (long)n };
		if (conv(rd, &ip, it, (char *)*out + n * size))
			return -1;
		n++;
	}
	return 0;
}

/* ---- top level ---------------------------------------------------------- */

/* check_schema - accept aliasaudit.snapshot/1 and its minor versions (1.N) */
static int check_schema(struct reader *rd, const cJSON *v)
{
	struct jpath p = { NULL, "schema", -1 };
	static const char prefix[] = "aliasaudit.snapshot/";
	if (!cJSON_IsString(v))
		return fail_path(rd, &p, "want a string, got %s", type_name(v));
	const char *s = v->valuestring;
	if (starts_with(s, prefix)) {
		const char *ver = s + strlen(prefix);
		if (!strcmp(ver, "1"))
			return 0;
		if (starts_with(ver, "1.") && ver[2] && strspn(ver + 2, "0123456789") == strlen(ver + 2))
			return 0;
	}
	struct strbuf sb = STRBUF_INIT;
	put_quoted(&sb, s, strlen(s), QUOTE_MAX);
	if (starts_with(s, prefix))
		fail_path(rd, &p, "unsupported version \"%s\" (this aliasaudit reads %s)",
			  sb.buf, SNAPSHOT_SCHEMA);
	else
		fail_path(rd, &p, "not an aliasaudit snapshot: \"%s\" (want %s)",
			  sb.buf, SNAPSHOT_SCHEMA);
	strbuf_release(&sb);
	return -1;
}

/* read_key - the member name at p (a JSON string) into key; *next after the ':' */
static int read_key(struct reader *rd, const char *p, char *key, size_t keysz, const char **next)
{
	cJSON *k;
	if (p >= rd->end || *p != '"')
		return fail_syntax(rd, p);
	if (!(k = parse_value(rd, p, next)))
		return -1;
	snprintf(key, keysz, "%s", k->valuestring);
	cJSON_Delete(k);
	p = skip_ws(*next, rd->end);
	if (p >= rd->end || *p != ':')
		return fail_syntax(rd, p);
	*next = skip_ws(p + 1, rd->end);
	return 0;
}

/* lookahead_schema - when "schema" is not the first member, find it before
 * converting anything, so a v2 file says "unsupported version" rather than
 * failing on some field. 1: found and checked, 0: absent, -1: error. If the
 * text is malformed, returns 1 and lets the real pass report the error. */
static int lookahead_schema(struct reader *rd, const char *p)
{
	char key[KEY_MAX_LEN];
	bool eof;
	for (;;) {
		p = skip_ws(p, rd->end);
		if (p >= rd->end || *p != '"')
			return 1;
		if (read_key(rd, p, key, sizeof(key), &p)) {
			FREE_AND_NULL(rd->err);
			return 1;
		}
		if (!strcmp(key, "schema")) {
			const char *next;
			cJSON *v = parse_value(rd, p, &next);
			if (!v) {
				FREE_AND_NULL(rd->err);
				return 1;
			}
			int ret = check_schema(rd, v);
			cJSON_Delete(v);
			return ret ? -1 : 1;
		}
		if (!(p = skip_value(p, rd->end, &eof)))
			return 1;
		p = skip_ws(p, rd->end);
		if (p < rd->end && *p == ',') {
			p++;
			continue;
		}
		return (p < rd->end && *p == '}') ? 0 : 1;
	}
}

/* member_end - after an array element or object member at *q: past a ','
 * (1: another follows) or past closer (0: the container ends); -1 with a
 * syntax error otherwise. *q is left at the next non-blank. */
static int member_end(struct reader *rd, const char **q, char closer)
{
	const char *c = skip_ws(*q, rd->end);
	if (c < rd->end && (*c == ',' || *c == closer)) {
		*q = skip_ws(c + 1, rd->end);
		return *c == ',';
	}
	return fail_syntax(rd, c);
}

/* stream_array - the top-level array at *pp, parsed and converted one
 * element at a time (the big sections); *pp is moved past it */
static int stream_array(struct reader *rd, const struct jpath *p, const char **pp,
			size_t size, conv_fn conv, void **out, size_t *nr)
{
	const char *q = *pp;
	struct vec v = { NULL, 0, 0, size };
	int ret = -1;

	if (q >= rd->end || *q != '[') {
		/* not an array: say what it is (or why it is not JSON) */
		const char *next;
		cJSON *val = parse_value(rd, q, &next);
		if (val)
			fail_path(rd, p, "want an array, got %s", type_name(val));
		cJSON_Delete(val);
		return -1;
	}
	q = skip_ws(q + 1, rd->end);
	if (q < rd->end && *q == ']') {
		q++;
		goto done;
	}
	for (;;) {
		struct jpath ip = { p, NULL, (long)v.nr };
		const char *next;
		cJSON *el = parse_value(rd, q, &next);
		if (!el)
			goto out;
		if (check_unique_keys(rd, &ip, el)) {
			cJSON_Delete(el);
			goto out;
		}
		int r = conv(rd, &ip, el, vec_push(&v));
		cJSON_Delete(el);
		if (r)
			goto out;
		q = next;
		int more = member_end(rd, &q, ']');
		if (more < 0)
			goto out;
		if (!more)
			break;
	}
done:
	*out = vec_to_arena(rd, &v, nr);
	*pp = q;
	ret = 0;
out:
	free(v.data);
	return ret;
}

/* conv_policy - the policy object */
static int conv_policy(struct reader *rd, const cJSON *o)
{
	struct snapshot_policy *pol = &rd->s->policy;
	struct jpath p = { NULL, "policy", -1 };
	const cJSON *v;

	static const char *const names[] = { "send_from_alias", "plus_addressing" };
	struct fields f;
	if (WANT_OBJECT(rd, &p, o, &f, names) ||
	    get_tri(rd, &p, &f, 0, &pol->send_from_alias) ||
	    get_tri(rd, &p, &f, 1, &pol->plus_addressing))
		return -1;
#define POLICY_ARRAY(field, conv) \
	if ((v = member(o, #field))) { \
		struct jpath fp = { &p, #field, -1 }; \
		void *arr; \
		if (conv_array(rd, &fp, v, sizeof(*pol->field), conv, &arr, &pol->nr_##field)) \
			return -1; \
		pol->field = arr; \
		pol->has_##field = true; \
	}
	POLICY_ARRAY(outbound_forwarding, conv_outbound)
	POLICY_ARRAY(remote_domains, conv_remote_domain)
	POLICY_ARRAY(auto_forwarding_ou, conv_ou)
	POLICY_ARRAY(catch_all, conv_catch_all)
#undef POLICY_ARRAY
	return 0;
}

/* top-level members that are arrays of objects, streamed */
struct section {
	const char *key;
	size_t size;
	conv_fn conv;
	size_t arr_off, nr_off; /* offsets in struct snapshot */
	ptrdiff_t has_off;      /* -1: no has_ flag */
};

#define SECTION(key, type, conv, has) \
	{ #key, sizeof(type), conv, offsetof(struct snapshot, key), \
	  offsetof(struct snapshot, nr_##key), has }
/* the arrays inside "policy", streamed the same way */
#define POLICY_SECTION(key, type, conv) \
	{ #key, sizeof(type), conv, offsetof(struct snapshot, policy.key), \
	  offsetof(struct snapshot, policy.nr_##key), offsetof(struct snapshot, policy.has_##key) }

static const struct section sections[] = {
	SECTION(errors, struct snapshot_error, conv_error, -1),
	SECTION(domains, struct snapshot_domain, conv_domain, -1),
	SECTION(recipients, struct snapshot_recipient, conv_recipient, -1),
	SECTION(forwards, struct snapshot_forward, conv_forward,
		offsetof(struct snapshot, has_forwards)),
	SECTION(auto_replies, struct snapshot_auto_reply, conv_auto_reply,
		offsetof(struct snapshot, has_auto_replies)),
	SECTION(send_as, struct snapshot_send_as, conv_send_as,
		offsetof(struct snapshot, has_send_as)),
};

static const struct section policy_sections[] = {
	POLICY_SECTION(outbound_forwarding, struct outbound_policy, conv_outbound),
	POLICY_SECTION(remote_domains, struct remote_domain, conv_remote_domain),
	POLICY_SECTION(auto_forwarding_ou, struct ou_forwarding, conv_ou),
	POLICY_SECTION(catch_all, struct catch_all, conv_catch_all),
};

/* find_section - the entry of table[0..n) named key, or NULL */
static const struct section *find_section(const struct section *table, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(key, table[i].key))
			return &table[i];
	return NULL;
}

/* stream_section - the value at *pp of section sec (path p): JSON null is
 * absent where the section has a has_ flag, else an array streamed into the
 * snapshot and the flag set; *pp moves past it */
static int stream_section(struct reader *rd, const struct section *sec, const struct jpath *p,
			  const char **pp)
{
	char *base = (char *)rd->s;
	if (*pp + 4 <= rd->end && !memcmp(*pp, "null", 4) && sec->has_off >= 0) {
		*pp += 4;
		return 0;
	}
	if (stream_array(rd, p, pp, sec->size, sec->conv, (void **)(base + sec->arr_off),
			 (size_t *)(base + sec->nr_off)))
		return -1;
	if (sec->has_off >= 0)
		*(bool *)(base + sec->has_off) = true;
	return 0;
}

/* stream_policy - the policy object at *pp, its arrays streamed one element
 * at a time like the top-level sections (a million catch-alls never become
 * one JSON tree); the other members go through conv_policy. *pp moves past it. */
static int stream_policy(struct reader *rd, const char **pp)
{
	struct jpath p = { NULL, "policy", -1 };
	char key[KEY_MAX_LEN];
	bool seen[ARRAY_SIZE(policy_sections)] = { 0 };
	cJSON *rest = cJSON_CreateObject();
	const char *q = skip_ws(*pp + 1, rd->end);
	int ret = -1, more = 1;

	if (q < rd->end && *q == '}') {
		q++;
		more = 0;
	}
	while (more) {
		const struct section *sec;
		if (read_key(rd, skip_ws(q, rd->end), key, sizeof(key), &q))
			goto out;
		if ((sec = find_section(policy_sections, ARRAY_SIZE(policy_sections), key))) {
			struct jpath fp = { &p, sec->key, -1 };
			if (seen[sec - policy_sections]) {
				fail_path(rd, &fp, "appears twice in one object");
				goto out;
			}
			seen[sec - policy_sections] = true;
			if (stream_section(rd, sec, &fp, &q))
				goto out;
		} else {
			const char *next;
			cJSON *v = parse_value(rd, q, &next);
			if (!v)
				goto out;
			cJSON_AddItemToObject(rest, key, v); /* a repeat is refused below */
			q = next;
		}
		if ((more = member_end(rd, &q, '}')) < 0)
			goto out;
	}
	if (check_unique_keys(rd, &p, rest) || conv_policy(rd, rest))
		goto out;
	*pp = q;
	ret = 0;
out:
	cJSON_Delete(rest);
	return ret;
}

/* conv_scalar - a top-level member that is not a section */
static int conv_scalar(struct reader *rd, const char *key, const cJSON *v)
{
	struct jpath p = { NULL, key, -1 };
	struct snapshot *s = rd->s;
	if (!strcmp(key, "schema"))
		return check_schema(rd, v);
	if (!strcmp(key, "tenant") || !strcmp(key, "provider") || !strcmp(key, "collected_at")) {
		const char **dst = key[0] == 't' ? &s->tenant : key[0] == 'p' ? &s->provider
			: &s->collected_at;
		if (cJSON_IsNull(v) && key[0] == 'c')
			return 0;
		size_t n;
		if (check_str(rd, &p, v, key[0] == 'c' ? 0 : F_ADDR, NAME_MAX_LEN, &n))
			return -1;
		*dst = pool_strdup(rd, v->valuestring, n);
		return 0;
	}
	if (!strcmp(key, "complete")) {
		if (cJSON_IsNull(v))
			return 0;
		if (!cJSON_IsBool(v))
			return fail_path(rd, &p, "want true or false, got %s", type_name(v));
		rd->has_complete = true;
		rd->complete = cJSON_IsTrue(v);
		return 0;
	}
	if (!strcmp(key, "policy"))
		return cJSON_IsNull(v) ? 0 : conv_policy(rd, v);
	return 0; /* unknown members are ignored */
}

/* parse_top - the top-level object */
static int parse_top(struct reader *rd)
{
	static const char *const required[] = { "schema", "tenant", "provider", "domains", "recipients" };
	static const char *const scalars[] = { "schema", "tenant", "provider", "collected_at",
					       "complete", "policy" };
	bool seen[ARRAY_SIZE(sections)] = { 0 };
	bool seen_scalar[ARRAY_SIZE(scalars)] = { 0 };
	bool seen_req[ARRAY_SIZE(required)] = { 0 };
	char key[KEY_MAX_LEN];
	const char *p = skip_ws(rd->buf, rd->end);

	if (p >= rd->end)
		return fail_path(rd, NULL, "empty file");
	if (*p != '{') {
		const char *next;
		cJSON *v = parse_value(rd, p, &next);
		if (v)
			fail_path(rd, NULL, "want a JSON object at the top level, got %s", type_name(v));
		cJSON_Delete(v);
		return -1;
	}
	p = skip_ws(p + 1, rd->end);
	if (p < rd->end && *p == '"') {
		const char *after;
		if (read_key(rd, p, key, sizeof(key), &after))
			return -1;
		if (strcmp(key, "schema")) {
			int r = lookahead_schema(rd, p);
			if (r < 0)
				return -1;
			if (!r)
				return fail_path(rd, NULL, "schema: missing (want \"%s\")", SNAPSHOT_SCHEMA);
		}
	} else if (p < rd->end && *p == '}') {
		return fail_path(rd, NULL, "schema: missing (want \"%s\")", SNAPSHOT_SCHEMA);
	}

	for (;;) {
		p = skip_ws(p, rd->end);
		if (read_key(rd, p, key, sizeof(key), &p))
			return -1;
		for (size_t i = 0; i < ARRAY_SIZE(required); i++)
			if (!strcmp(key, required[i]))
				seen_req[i] = true;

		const struct section *sec = find_section(sections, ARRAY_SIZE(sections), key);
		if (sec) {
			struct jpath sp = { NULL, sec->key, -1 };
			if (seen[sec - sections])
				return fail_path(rd, &sp, "appears twice");
			seen[sec - sections] = true;
			if (stream_section(rd, sec, &sp, &p))
				return -1;
		} else {
			const char *next;
			for (size_t i = 0; i < ARRAY_SIZE(scalars); i++) {
				if (strcmp(key, scalars[i]))
					continue;
				if (seen_scalar[i]) {
					struct jpath dp = { NULL, scalars[i], -1 };
					return fail_path(rd, &dp, "appears twice");
				}
				seen_scalar[i] = true;
			}
			if (!strcmp(key, "policy") && p < rd->end && *p == '{') {
				if (stream_policy(rd, &p))
					return -1;
				goto next_member;
			}
			cJSON *v = parse_value(rd, p, &next);
			struct jpath kp = { NULL, key, -1 };
			if (!v)
				return -1;
			if (check_unique_keys(rd, &kp, v)) {
				cJSON_Delete(v);
				return -1;
			}
			int r = conv_scalar(rd, key, v);
			cJSON_Delete(v);
			if (r)
				return -1;
			p = next;
		}
next_member:;
		int more = member_end(rd, &p, '}');
		if (more < 0)
			return -1;
		if (!more)
			break;
	}
	if (p < rd->end)
		return fail_at(rd, p, "unexpected text after the snapshot object");

	if (rd->has_complete && rd->complete && rd->s->nr_errors) {
		struct jpath cp = { NULL, "complete", -1 };
		return fail_path(rd, &cp, "true, but errors[] lists %zu collection failures",
				 rd->s->nr_errors);
	}
	rd->s->complete = rd->has_complete ? rd->complete : rd->s->nr_errors == 0;
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (seen_req[i])
			continue;
		/* an incomplete snapshot may lack any section (Appendix A):
		 * the audit runs with what is there and exits 3 */
		bool section = i >= 3;
		if (section && !rd->s->complete) {
			*(i == 3 ? &rd->s->domains_absent : &rd->s->recipients_absent) = true;
			continue;
		}
		struct jpath rp = { NULL, required[i], -1 };
		return fail_path(rd, &rp, section ? "missing (only an incomplete snapshot, "
				 "complete: false, may leave a section out)" : "missing");
	}
	return 0;
}

int snapshot_parse(const char *name, const char *buf, size_t len,
		   struct snapshot **out, char **err)
{
	struct reader rd = { 0 };
	struct snapshot *s = xcalloc(1, sizeof(*s));

	*out = NULL;
	*err = NULL;
	s->policy.send_from_alias = TRI_UNSET;
	s->policy.plus_addressing = TRI_UNSET;
	s->complete = true;
	s->source = arena_strdup(&s->arena, name);
	rd.name = name;
	rd.buf = buf;
	rd.end = buf + len;
	rd.s = s;

	/* a UTF-8 byte order mark is tolerated at the very start */
	if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
		rd.buf = buf + 3;
	if (check_bytes(&rd) || parse_top(&rd)) {
		snapshot_free(s);
		*err = rd.err ? rd.err : xstrfmt("%s: cannot read the snapshot", name);
		return -1;
	}
	*out = s;
	return 0;
}

int snapshot_read_file(const char *path, struct snapshot **out, char **err)
{
	char *buf;
	size_t len;
	int ret;

	*out = NULL;
	if (read_file(path, SNAPSHOT_MAX_BYTES, &buf, &len, err) < 0)
		return -1;
	ret = snapshot_parse(strcmp(path, "-") ? path : "<stdin>", buf, len, out, err);
	free(buf);
	return ret;
}
