/*
 * mock_index.c - lookups into large fixtures for the mock's handlers (part of
 * the core): cJSON arrays and objects are linked lists, so a handler that
 * scans the user list once per request costs O(N) per request and O(N^2) per
 * audit, which a 100,000-mailbox benchmark tenant cannot afford.
 *
 *  - mock_array_at(arr, i): the i-th item in O(1) (a pointer table; only
 *    for fixture containers, never for a per-request copy, whose address
 *    a later copy may reuse);
 *  - mock_object_get(obj, key): a member by case-insensitive name, hashed;
 *  - mock_array_find(arr, field, value): the first item whose string field
 *    (or any string of an array field) equals value, case-insensitively;
 *  - mock_map_*: a string -> long map (e.g. issued tokens to their slot).
 *
 * Containers with fewer than MOCK_INDEX_MIN items are scanned as before, so
 * the small e2e fixtures (which fix endpoints modify) never use an index.
 * Indexes of large containers are built on first use and assume the
 * container is not modified afterwards (the benchmark fixtures are read
 * only); mock_index_forget(container) drops one after a write.
 */
#include "mockd.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MOCK_INDEX_MIN 1024

struct slot {
	const char *key;     /* borrowed from the cJSON tree (or owned, for maps) */
	void *val;
	long num;
};

struct table {
	struct slot *s;
	size_t cap;          /* a power of two */
};

/* index - one built index: container + field ("" for object members, "#" for positions) */
struct index {
	const cJSON *container;
	char *field;
	struct table t;
	cJSON **at;          /* positions (field "#") */
	size_t n;
	struct index *next;
};

struct mock_map {
	struct table t;
	size_t n;
	pthread_mutex_t mu;
};

static struct index *indexes;
static pthread_mutex_t imu = PTHREAD_MUTEX_INITIALIZER;

/* hash_nocase - FNV-1a of the lowercased bytes of s */
static size_t hash_nocase(const char *s)
{
	size_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)tolower((unsigned char)*s)) * 1099511628211ull;
	return h;
}

/* table_init - room for n keys */
static void table_init(struct table *t, size_t n)
{
	t->cap = 16;
	while (t->cap < 2 * n + 2)
		t->cap *= 2;
	t->s = mx_malloc(t->cap * sizeof(*t->s));
}

/* table_put - key -> val/num; the first insertion of a key wins unless replace */
static void table_put(struct table *t, const char *key, void *val, long num, bool replace)
{
	size_t i = hash_nocase(key) & (t->cap - 1);
	while (t->s[i].key) {
		if (!strcasecmp(t->s[i].key, key)) {
			if (replace) {
				t->s[i].val = val;
				t->s[i].num = num;
			}
			return;
		}
		i = (i + 1) & (t->cap - 1);
	}
	t->s[i] = (struct slot){ key, val, num };
}

/* table_get - the slot of key, or NULL */
static struct slot *table_get(const struct table *t, const char *key)
{
	size_t i = hash_nocase(key) & (t->cap - 1);
	while (t->s[i].key) {
		if (!strcasecmp(t->s[i].key, key))
			return &t->s[i];
		i = (i + 1) & (t->cap - 1);
	}
	return NULL;
}

/* built - the index of (container, field) when it exists (imu held) */
static struct index *built(const cJSON *c, const char *field)
{
	struct index *x;
	for (x = indexes; x; x = x->next)
		if (x->container == c && !strcmp(x->field, field))
			return x;
	return NULL;
}

/* find_index - the index of (container, field), built on first use (imu held) */
static struct index *find_index(const cJSON *c, const char *field)
{
	struct index *x = built(c, field);
	const cJSON *it, *f, *e;
	size_t n = 0;
	if (x)
		return x;
	cJSON_ArrayForEach(it, c)
		n++;
	x = mx_malloc(sizeof(*x));
	x->container = c;
	x->field = mx_strdup(field);
	x->n = n;
	if (!strcmp(field, "#")) {
		x->at = mx_malloc((n ? n : 1) * sizeof(*x->at));
		n = 0;
		cJSON_ArrayForEach(it, c)
			x->at[n++] = (cJSON *)it;
	} else {
		table_init(&x->t, n * 2);
		cJSON_ArrayForEach(it, c) {
			if (!*field) {
				if (it->string)
					table_put(&x->t, it->string, (void *)it, 0, false);
				continue;
			}
			f = cJSON_GetObjectItemCaseSensitive(it, field);
			if (cJSON_IsString(f))
				table_put(&x->t, f->valuestring, (void *)it, 0, false);
			else if (cJSON_IsArray(f))
				cJSON_ArrayForEach(e, f)
					if (cJSON_IsString(e))
						table_put(&x->t, e->valuestring, (void *)it, 0, false);
		}
	}
	x->next = indexes;
	indexes = x;
	return x;
}

/* large - the container has at least MOCK_INDEX_MIN items (stops counting there) */
static bool large(const cJSON *c)
{
	const cJSON *it;
	size_t n = 0;
	if (!c)
		return false;
	for (it = c->child; it && n < MOCK_INDEX_MIN; it = it->next)
		n++;
	return n >= MOCK_INDEX_MIN;
}

/* mock_array_at - see mockd.h */
cJSON *mock_array_at(const cJSON *arr, long i)
{
	struct index *x;
	cJSON *r = NULL;
	if (i < 0)
		return NULL;
	pthread_mutex_lock(&imu);
	x = built(arr, "#");
	if (!x && !large(arr)) {
		pthread_mutex_unlock(&imu);
		return cJSON_GetArrayItem(arr, (int)i);
	}
	x = x ? x : find_index(arr, "#");
	if ((size_t)i < x->n)
		r = x->at[i];
	pthread_mutex_unlock(&imu);
	return r;
}

/* mock_object_get - see mockd.h */
cJSON *mock_object_get(const cJSON *obj, const char *key)
{
	struct slot *s;
	cJSON *r;
	struct index *x;
	if (!key || !obj)
		return cJSON_GetObjectItem(obj, key);
	pthread_mutex_lock(&imu);
	x = built(obj, "");
	if (!x && !large(obj)) {
		pthread_mutex_unlock(&imu);
		return cJSON_GetObjectItem(obj, key);
	}
	s = table_get(&(x ? x : find_index(obj, ""))->t, key);
	r = s ? s->val : NULL;
	pthread_mutex_unlock(&imu);
	return r;
}

/* mock_array_find - see mockd.h */
cJSON *mock_array_find(const cJSON *arr, const char *field, const char *value)
{
	struct slot *s;
	cJSON *it, *r = NULL, *f, *e;
	struct index *x;
	if (!value || !field || !*field)
		return NULL;
	pthread_mutex_lock(&imu);
	x = built(arr, field);
	if (x) {
		s = table_get(&x->t, value);
		pthread_mutex_unlock(&imu);
		return s ? s->val : NULL;
	}
	pthread_mutex_unlock(&imu);
	if (!large(arr)) {
		cJSON_ArrayForEach(it, arr) {
			f = cJSON_GetObjectItemCaseSensitive(it, field);
			if (cJSON_IsString(f) && !strcasecmp(f->valuestring, value))
				return it;
			if (!cJSON_IsArray(f))
				continue;
			cJSON_ArrayForEach(e, f)
				if (cJSON_IsString(e) && !strcasecmp(e->valuestring, value))
					return it;
		}
		return NULL;
	}
	pthread_mutex_lock(&imu);
	s = table_get(&find_index(arr, field)->t, value);
	r = s ? s->val : NULL;
	pthread_mutex_unlock(&imu);
	return r;
}

/* mock_index_forget - see mockd.h */
void mock_index_forget(const cJSON *container)
{
	struct index **p;
	pthread_mutex_lock(&imu);
	for (p = &indexes; *p; ) {
		struct index *x = *p;
		if (x->container != container) {
			p = &x->next;
			continue;
		}
		*p = x->next;
		free(x->field);
		free(x->t.s);
		free(x->at);
		free(x);
	}
	pthread_mutex_unlock(&imu);
}

/* mock_map_new - see mockd.h */
struct mock_map *mock_map_new(void)
{
	struct mock_map *m = mx_malloc(sizeof(*m));
	table_init(&m->t, 64);
	pthread_mutex_init(&m->mu, NULL);
	return m;
}

/* mock_map_put - see mockd.h */
void mock_map_put(struct mock_map *m, const char *key, long v)
{
	pthread_mutex_lock(&m->mu);
	if (2 * (m->n + 1) + 2 > m->t.cap) {
		struct table old = m->t;
		table_init(&m->t, 2 * m->n + 64);
		for (size_t i = 0; i < old.cap; i++)
			if (old.s[i].key)
				table_put(&m->t, old.s[i].key, NULL, old.s[i].num, true);
		free(old.s);
	}
	if (!table_get(&m->t, key)) {
		table_put(&m->t, mx_strdup(key), NULL, v, true);
		m->n++;
	} else {
		table_get(&m->t, key)->num = v;
	}
	pthread_mutex_unlock(&m->mu);
}

/* mock_map_get - see mockd.h */
long mock_map_get(struct mock_map *m, const char *key)
{
	struct slot *s;
	long v;
	pthread_mutex_lock(&m->mu);
	s = table_get(&m->t, key);
	v = s ? s->num : -1;
	pthread_mutex_unlock(&m->mu);
	return v;
}

/* mock_map_free - see mockd.h */
void mock_map_free(struct mock_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->t.cap; i++)
		free((char *)m->t.s[i].key);
	free(m->t.s);
	pthread_mutex_destroy(&m->mu);
	free(m);
}
