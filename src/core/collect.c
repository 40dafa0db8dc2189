/*
 * collect.c - choose the configuration and collect tenants concurrently
 * (see collect.h): sessions are opened first (no network, so config and
 * credential errors come out before anything is read), then every tenant is
 * read by its provider in its own thread (each provider session owns its own
 * HTTP client and multi handle). Progress goes to stderr only on a TTY.
 */
#include "core/collect.h"
#include "net/http.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COLLECT_DEFAULT_CONCURRENCY 8

struct job {
	struct provider_session *ps;
	const struct tenant_config *t;
	struct snapshot *snap;
	char *err;
	int rc;
	bool progress;
};

/* load_config_for - see collect.h */
int load_config_for(const char *path, struct config *cfg, char **err)
{
	char *def;
	struct stat st;
	int rc;
	if (path)
		return config_load(path, cfg, err);
	def = config_default_path();
	if (!stat(def, &st)) {
		rc = config_load(def, cfg, err);
		free(def);
		return rc;
	}
	rc = config_from_env(cfg, err);
	if (rc == 1) {
		*err = xstrfmt("no configuration: pass -c FILE, create %s, or set AZURE_TENANT_ID, "
			       "AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)", def);
		config_release(cfg);
		rc = -1;
	} else if (rc < 0) {
		config_release(cfg);
	}
	free(def);
	return rc < 0 ? -1 : 0;
}

/* run_job - a tenant's thread */
static void *run_job(void *arg)
{
	struct job *j = arg;
	if (j->progress)
		fprintf(stderr, "collecting %s ...\n", j->t->name);
	j->rc = provider_collect(j->ps, &j->snap, &j->err);
	if (j->progress)
		fprintf(stderr, "collected %s%s\n", j->t->name,
			j->rc < 0 ? ": failed" : j->rc > 0 ? ": incomplete" : "");
	return NULL;
}

/* failed_snapshot - an empty, incomplete snapshot saying why tenant t could not be read */
static struct snapshot *failed_snapshot(const struct tenant_config *t, const char *why)
{
	struct snapshot *s = snapshot_new(t->name, t->provider ? t->provider : "");
	char *obj = xstrfmt("tenant %s", t->name);
	snapshot_add_error(s, obj, why, NULL, NULL);
	free(obj);
	return s;
}

/* collect_tenants - see collect.h */
int collect_tenants(const struct config *cfg, const char *const *names, size_t nr_names,
		    const struct run_options *opt, struct snapshot ***out, size_t *nr_out,
		    char **err)
{
	size_t n = nr_names ? nr_names : cfg->nr_tenants;
	struct job *jobs;
	pthread_t *tids;
	bool *started;
	struct run_options o = *opt;
	int ret = 0;

	*out = NULL;
	*nr_out = 0;
	if (!n) {
		*err = xstrfmt("%s: no tenant to collect", cfg->path ? cfg->path : "config");
		return -1;
	}
	if (o.concurrency <= 0) {
		const char *c = config_default(cfg, "concurrency");
		o.concurrency = c ? atoi(c) : COLLECT_DEFAULT_CONCURRENCY;
		if (o.concurrency <= 0)
			o.concurrency = COLLECT_DEFAULT_CONCURRENCY;
	}
	o.progress = o.progress && is_tty_fd(2);
	http_global_init();

	jobs = xcalloc(n, sizeof(*jobs));
	tids = xcalloc(n, sizeof(*tids));
	started = xcalloc(n, sizeof(*started));
	for (size_t i = 0; i < n; i++) {
		const struct tenant_config *t = NULL;
		if (nr_names) {
			for (size_t k = 0; k < cfg->nr_tenants; k++)
				if (!strcmp(cfg->tenants[k].name, names[i]))
					t = &cfg->tenants[k];
			if (!t) {
				*err = xstrfmt("%s: no tenant '%s'", cfg->path ? cfg->path : "config", names[i]);
				ret = -1;
				goto out;
			}
		} else {
			t = &cfg->tenants[i];
		}
		jobs[i].t = t;
		jobs[i].progress = o.progress;
		jobs[i].ps = provider_open(cfg, t, &o, &jobs[i].err);
		if (!jobs[i].ps && n == 1) {
			*err = xstrfmt("tenant '%s': %s", t->name, jobs[i].err);
			ret = -1;
			goto out;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (!jobs[i].ps)
			continue;
		if (pthread_create(&tids[i], NULL, run_job, &jobs[i]))
			run_job(&jobs[i]);
		else
			started[i] = true;
	}
	for (size_t i = 0; i < n; i++)
		if (started[i])
			pthread_join(tids[i], NULL);

	if (n == 1 && jobs[0].rc < 0) {
		*err = xstrfmt("tenant '%s': %s", jobs[0].t->name,
			       jobs[0].err ? jobs[0].err : "collection failed");
		ret = -1;
		goto out;
	}
	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		struct snapshot *s = jobs[i].snap;
		if (!jobs[i].ps || jobs[i].rc < 0 || !s) {
			snapshot_free(s);
			s = failed_snapshot(jobs[i].t, jobs[i].err ? jobs[i].err : "collection failed");
		}
		jobs[i].snap = NULL;
		if (!s->complete)
			ret = 1;
		(*out)[(*nr_out)++] = s;
	}
out:
	for (size_t i = 0; i < n; i++) {
		provider_close(jobs[i].ps);
		snapshot_free(jobs[i].snap);
		free(jobs[i].err);
	}
	free(jobs);
	free(tids);
	free(started);
	return ret;
}
