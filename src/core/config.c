/*
 * config.c - the INI configuration (README "Configuration") read with inih, and the
 * one-tenant configuration built from the environment (see config.h).
 *
 * inih's handler is not told line numbers in the Debian build
 * (INI_HANDLER_LINENO is 0), so the file is fed through ini_parse_stream
 * with a reader that counts lines; every message names file:line and key.
 *
 * The Debian build also reads lines into a 200-byte buffer (INI_MAX_LINE,
 * no INI_ALLOW_REALLOC) and splits longer ones: the tail of a long comment
 * would become a live line. So the reader reads whole lines itself (up to
 * CONFIG_MAX_LINE, beyond which the file is refused) and hands inih a line
 * that fits: a long comment as an empty comment, a long "key = value" as
 * "key = " plus a stand-in, the handler then taking the full value (with
 * inih's own rules applied: an inline " ;" comment cut, blanks trimmed).
 * The first error is the one reported; later ones are dropped, not leaked.
 */
#include "net/dns.h"
#include "core/config.h"
#include "core/provider.h"
#include "net/url.h"
#include "base/util.h"

#include <ini.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* keys whose values are checked when read */
#define CONFIG_MAX_CONCURRENCY 256
/* longest configuration line (a certificate path or a URL fits many times) */
#define CONFIG_MAX_LINE 4096
/* tenant names become file names (collect -o DIR, --save-snapshot) */
#define TENANT_NAME_MAX 64

struct parse_ctx {
	struct config *cfg;
	FILE *f;
	int line;          /* the line the reader handed out last */
	int section_line;  /* the line of the last [section] header */
	char *err;         /* the first error */
	int err_line;      /* its line */
	char *linebuf;     /* the whole current line (getline) */
	size_t linecap;
	char *long_value;  /* the full value of the current line, when inih got a stand-in */
};

/* set_err - remember the first error only (later ones are consequences);
 * line is where it was detected, to order it against inih's syntax errors */
static int set_err(struct parse_ctx *pc, int line, char *msg)
{
	if (pc->err)
		free(msg);
	else {
		pc->err = msg;
		pc->err_line = line;
	}
	return 0;
}

/* inline_value - a raw value as inih makes it: cut at an inline comment
 * (";" after a blank, INI_INLINE_COMMENT_PREFIXES), blanks trimmed */
static char *inline_value(const char *raw)
{
	const char *end;
	while (*raw == ' ' || *raw == '\t')
		raw++;
	for (end = raw; *end; end++)
		if (*end == ';' && end > raw && (end[-1] == ' ' || end[-1] == '\t'))
			break;
	while (end > raw && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\n' || end[-1] == '\r'))
		end--;
	return xstrndup(raw, (size_t)(end - raw));
}

/* fit_line - make the whole line in pc->linebuf fit inih's buffer of num
 * bytes into str: a comment becomes an empty one, a key/value line keeps its
 * key and gets a stand-in value (the handler takes pc->long_value); 0, or -1
 * when the line cannot be shortened without changing its meaning */
static int fit_line(struct parse_ctx *pc, char *str, int num)
{
	const char *p = pc->linebuf, *sep;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == ';' || *p == '#') {
		snprintf(str, (size_t)num, ";\n");
		return 0;
	}
	sep = strpbrk(p, "=:");
	if (*p == '[' || !sep || sep - pc->linebuf > num - 16)
		return -1;
	pc->long_value = inline_value(sep + 1);
	snprintf(str, (size_t)num, "%.*s= <long>\n", (int)(sep - pc->linebuf), pc->linebuf);
	return 0;
}

/* reader - hands inih one whole line at a time (see the file comment),
 * counting lines and remembering where sections start */
static char *reader(char *str, int num, void *stream)
{
	struct parse_ctx *pc = stream;
	ssize_t n = getline(&pc->linebuf, &pc->linecap, pc->f);
	const char *p;
	FREE_AND_NULL(pc->long_value);
	if (n < 0)
		return NULL;
	pc->line++;
	if (memchr(pc->linebuf, '\0', (size_t)n)) {
		set_err(pc, pc->line, xstrfmt("%s:%d: a NUL byte: this is not a text file", pc->cfg->path, pc->line));
		return NULL;
	}
	if (n >= CONFIG_MAX_LINE) {
		set_err(pc, pc->line, xstrfmt("%s:%d: line longer than %d bytes", pc->cfg->path, pc->line,
					      CONFIG_MAX_LINE));
		return NULL;
	}
	if (n < num)
		memcpy(str, pc->linebuf, (size_t)n + 1);
	else if (fit_line(pc, str, num) < 0) {
		set_err(pc, pc->line, xstrfmt("%s:%d: syntax error in a line of %zd bytes (want key = value)",
					      pc->cfg->path, pc->line, n));
		return NULL;
	}
	for (p = str; *p == ' ' || *p == '\t'; p++)
		;
	if (*p == '[')
		pc->section_line = pc->line;
	return str;
}

/* check_tenant_name - NULL when name is safe as a file name, else why */
static char *check_tenant_name(const char *name)
{
	size_t n = strlen(name);
	if (n > TENANT_NAME_MAX)
		return xstrfmt("tenant name longer than %d characters", TENANT_NAME_MAX);
	if (name[0] == '.' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != n)
		return xstrdup("a tenant name may hold only letters, digits, '.', '_' and '-', and not start with '.' "
			       "(it names files)");
	return NULL;
}

/* add_kv - append key=value (at line) to an array */
static void add_kv(struct config_kv **kv, size_t *nr, size_t *alloc, const char *key,
		   const char *value, int line)
{
	ALLOC_GROW(*kv, *nr + 1, *alloc);
	(*kv)[*nr].key = xstrdup(key);
	(*kv)[*nr].value = xstrdup(value);
	(*kv)[*nr].line = line;
	(*nr)++;
}

/* find_kv - the entry for key, or NULL */
static const struct config_kv *find_kv(const struct config_kv *kv, size_t nr, const char *key)
{
	for (size_t i = 0; i < nr; i++)
		if (!strcmp(kv[i].key, key))
			return &kv[i];
	return NULL;
}

/* check_value - validate the keys whose values have a fixed form; NULL or a message */
static char *check_value(const char *key, const char *value)
{
	if (!strcmp(key, "concurrency")) {
		char *end;
		long n;
		errno = 0;
		n = strtol(value, &end, 10);
		if (errno || end == value || *end || n < 1 || n > CONFIG_MAX_CONCURRENCY)
			return xstrfmt("'%s' is not a number from 1 to %d", value, CONFIG_MAX_CONCURRENCY);
	} else if (!strcmp(key, "certificate_alg")) {
		if (strcasecmp(value, "ps256") && strcasecmp(value, "rs256"))
			return xstrfmt("'%s' is not PS256 or RS256", value);
	} else if (!strcmp(key, "smtp_url")) {
		/* SMTP relays: smtp:// must upgrade with STARTTLS (mail.c enforces it), smtps:// is TLS */
		if (!starts_with(value, "smtp://") && !starts_with(value, "smtps://"))
			return xstrfmt("'%s' is not an smtp:// or smtps:// URL", value);
		if (strchr(value + 7, '@'))
			return xstrdup("credentials never sit in the URL: set ALIASAUDIT_SMTP_USER and "
				       "ALIASAUDIT_SMTP_PASSWORD");
	} else if (ends_with(key, "_url")) {
		char *why = url_check_service(value);
		if (why)
			return why;
	} else if (!strcmp(key, "resolver")) {
		char *server = NULL, *err = NULL;
		if (dns_server_parse(value, &server, &err))
			return err;
		free(server);
	} else if (!strcmp(key, "client_secret")) {
		return xstrdup("secrets never sit in the file: name an environment variable with client_secret_env");
	}
	if (!*value)
		return xstrdup("empty value");
	return NULL;
}

/* handler - inih's callback for each key */
static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct parse_ctx *pc = user;
	struct config *cfg = pc->cfg;
	char *why;

	if (pc->err)
		return 0; /* only the first error counts */
	if (pc->long_value)
		value = pc->long_value;
	if (!strcmp(section, "defaults")) {
		if (find_kv(cfg->defaults, cfg->nr_defaults, name)) {
			return set_err(pc, pc->line, xstrfmt("%s:%d: %s: duplicate key", cfg->path, pc->line, name));
		}
		if ((why = check_value(name, value))) {
			set_err(pc, pc->line, xstrfmt("%s:%d: %s: %s", cfg->path, pc->line, name, why));
			free(why);
			return 0;
		}
		add_kv(&cfg->defaults, &cfg->nr_defaults, &cfg->alloc_defaults, name, value, pc->line);
		return 1;
	}
	if (!strcmp(section, "tenant")) {
		return set_err(pc, pc->line,
			       xstrfmt("%s:%d: [tenant] needs a name: [tenant NAME]", cfg->path, pc->section_line));
	}
	if (starts_with(section, "tenant ") || starts_with(section, "tenant\t")) {
		const char *tn = section + 7;
		struct tenant_config *t;
		while (*tn == ' ' || *tn == '\t')
			tn++;
		if (!*tn)
			return set_err(pc, pc->line, xstrfmt("%s:%d: [tenant] needs a name: [tenant NAME]",
								    cfg->path, pc->section_line));
		if ((why = check_tenant_name(tn))) {
			set_err(pc, pc->line, xstrfmt("%s:%d: [tenant %s]: %s", cfg->path, pc->section_line, tn, why));
			free(why);
			return 0;
		}
		t = config_tenant(cfg, tn);
		if (t && t->line != pc->section_line) {
			return set_err(pc, pc->line, xstrfmt("%s:%d: tenant '%s' is already defined at line %d",
					  cfg->path, pc->section_line, tn, t->line));
		}
		if (!t) {
			ALLOC_GROW(cfg->tenants, cfg->nr_tenants + 1, cfg->alloc_tenants);
			t = &cfg->tenants[cfg->nr_tenants++];
			memset(t, 0, sizeof(*t));
			t->name = xstrdup(tn);
			t->source = cfg->path;
			t->line = pc->section_line;
		}
		if (find_kv(t->kv, t->nr_kv, name)) {
			return set_err(pc, pc->line, xstrfmt("%s:%d: %s: duplicate key in tenant '%s'", cfg->path, pc->line, name, tn));
		}
		if ((why = check_value(name, value))) {
			set_err(pc, pc->line, xstrfmt("%s:%d: %s: %s", cfg->path, pc->line, name, why));
			free(why);
			return 0;
		}
		if (!strcmp(name, "provider"))
			t->provider = xstrdup(value);
		add_kv(&t->kv, &t->nr_kv, &t->alloc_kv, name, value, pc->line);
		return 1;
	}
	if (!*section)
		return set_err(pc, pc->line, xstrfmt("%s:%d: %s: a key before any [section]", cfg->path, pc->line, name));
	return set_err(pc, pc->line, xstrfmt("%s:%d: unknown section [%s] (want [defaults] or [tenant NAME])",
			  cfg->path, pc->section_line, section));
}

/* config_parse - config_load without the cleanup on failure */
static int config_parse(const char *path, struct config *cfg, char **err)
{
	struct parse_ctx pc = { .cfg = cfg };
	int rc;
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup(path);
	pc.f = fopen(path, "r");
	if (!pc.f) {
		*err = xstrfmt("%s: %s", path, strerror(errno));
		return -1;
	}
	rc = ini_parse_stream(reader, &pc, handler, &pc);
	fclose(pc.f);
	free(pc.linebuf);
	free(pc.long_value);
	/* inih reports its first syntax error's line; ours may come later */
	if (pc.err && (rc <= 0 || pc.err_line <= rc)) {
		*err = pc.err;
		return -1;
	}
	free(pc.err);
	if (rc < 0) {
		*err = xstrfmt("%s: cannot read the file", path);
		return -1;
	}
	if (rc > 0) {
		*err = xstrfmt("%s:%d: syntax error (want key = value or [section])", path, rc);
		return -1;
	}
	for (size_t i = 0; i < cfg->nr_tenants; i++) {
		if (!cfg->tenants[i].provider) {
			*err = xstrfmt("%s:%d: tenant '%s': missing key 'provider' (%s)", path,
				       cfg->tenants[i].line, cfg->tenants[i].name, provider_names());
			return -1;
		}
	}
	/* a config without tenants is valid: it can carry the defaults of
	 * snapshot audits (history, smtp_url); collect_tenants says when a
	 * tenant is needed and missing */
	return 0;
}

/* config_load - see config.h; on failure nothing stays allocated */
int config_load(const char *path, struct config *cfg, char **err)
{
	int rc = config_parse(path, cfg, err);
	if (rc)
		config_release(cfg);
	return rc;
}

/* config_add_tenant - see config.h */
struct tenant_config *config_add_tenant(struct config *cfg, const char *name, const char *provider)
{
	struct tenant_config *t;
	ALLOC_GROW(cfg->tenants, cfg->nr_tenants + 1, cfg->alloc_tenants);
	t = &cfg->tenants[cfg->nr_tenants++];
	memset(t, 0, sizeof(*t));
	t->name = xstrdup(name);
	t->provider = xstrdup(provider);
	t->source = cfg->path;
	tenant_set(t, "provider", provider);
	return t;
}

/* tenant_set - see config.h */
void tenant_set(struct tenant_config *t, const char *key, const char *value)
{
	add_kv(&t->kv, &t->nr_kv, &t->alloc_kv, key, value, 0);
}

/* config_from_env - see config.h */
int config_from_env(struct config *cfg, char **err)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->path = xstrdup("<environment>");
	for (size_t i = 0; provider_registry[i]; i++)
		if (provider_registry[i]->tenant_from_env &&
		    provider_registry[i]->tenant_from_env(cfg, err) < 0)
			return -1;
	return cfg->nr_tenants ? 0 : 1;
}

/* config_default_path - see config.h */
char *config_default_path(void)
{
	const char *x = env_nonempty("XDG_CONFIG_HOME"), *home = env_nonempty("HOME");
	if (x)
		return xstrfmt("%s/aliasaudit/config.ini", x);
	return xstrfmt("%s/.config/aliasaudit/config.ini", home ? home : ".");
}

/* config_release - see config.h */
void config_release(struct config *cfg)
{
	for (size_t i = 0; i < cfg->nr_defaults; i++) {
		free(cfg->defaults[i].key);
		free(cfg->defaults[i].value);
	}
	free(cfg->defaults);
	for (size_t i = 0; i < cfg->nr_tenants; i++) {
		struct tenant_config *t = &cfg->tenants[i];
		for (size_t j = 0; j < t->nr_kv; j++) {
			free(t->kv[j].key);
			free(t->kv[j].value);
		}
		free(t->kv);
		free(t->name);
		free(t->provider);
	}
	free(cfg->tenants);
	free(cfg->path);
	memset(cfg, 0, sizeof(*cfg));
}

/* tenant_get - see config.h */
const char *tenant_get(const struct config *cfg, const struct tenant_config *t, const char *key)
{
	const struct config_kv *kv = t ? find_kv(t->kv, t->nr_kv, key) : NULL;
	if (kv)
		return kv->value;
	return config_default(cfg, key);
}

/* config_default - see config.h */
const char *config_default(const struct config *cfg, const char *key)
{
	const struct config_kv *kv = find_kv(cfg->defaults, cfg->nr_defaults, key);
	return kv ? kv->value : NULL;
}

/* config_tenant - see config.h */
struct tenant_config *config_tenant(struct config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->nr_tenants; i++)
		if (!strcmp(cfg->tenants[i].name, name))
			return &cfg->tenants[i];
	return NULL;
}

char *tenant_service_root(const struct config *cfg, const struct tenant_config *t, const char *key,
			  const char *def)
{
	const char *v = tenant_get(cfg, t, key);
	size_t n;
	if (!v || !*v)
		v = def;
	n = strlen(v);
	while (n && v[n - 1] == '/')
		n--;
	return xstrndup(v, n);
}
