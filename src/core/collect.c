/*
 * collect.c - choose the configuration and collect tenants concurrently
 * (see collect.h): every session is opened and closed once first (no
 * network, so config and credential errors come out before anything is
 * read), then a pool of at most COLLECT_TENANT_WORKERS (or -j) threads reads
 * the tenants, each opening its tenant's session (its own HTTP client and
 * multi handle) only while it reads it: threads and memory stay flat however
 * many tenants a config has. Progress goes to stderr only on a TTY
 * (core/progress.c renders it; --trace writes the requests' timeline).
 */
#include "core/collect.h"
#include "core/progress.h"
#include "net/http.h"
#include "base/util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COLLECT_DEFAULT_CONCURRENCY 8
/* tenants read at once unless -j asks for more */
#define COLLECT_TENANT_WORKERS 4

struct job {
	const struct config *cfg;
	const struct run_options *opt;
	const struct tenant_config *t;
	bool opened;          /* the session opened in the validation pass */
	struct snapshot *snap;
	char *err;
	int rc;
	struct progress *progress;
};

/* pool - the jobs and the index of the next one to take */
struct pool {
	struct job *jobs;
	size_t n, next;
	pthread_mutex_t lock;
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

/* run_job - read one tenant: open its session, collect, close; its HTTP
 * clients report to its progress entry */
static void run_job(struct job *j)
{
	struct provider_session *ps;
	http_observe_thread(progress_observer(j->progress));
	ps = provider_open(j->cfg, j->t, j->opt, &j->err);
	if (!ps) {
		j->rc = -1;
		http_observe_thread(NULL);
		return;
	}
	ps->progress = j->progress;
	progress_start(j->progress);
	j->rc = provider_collect(ps, &j->snap, &j->err);
	progress_end(j->progress, j->rc < 0 ? "failed" : j->rc > 0 ? "incomplete" : NULL);
	provider_close(ps);
	http_observe_thread(NULL);
}

/* worker - a pool thread: take the next job until none is left */
static void *worker(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->n)
			return NULL;
		if (p->jobs[i].opened)
			run_job(&p->jobs[i]);
	}
}

/* run_pool - run every job on at most workers threads */
static void run_pool(struct job *jobs, size_t n, size_t workers)
{
	struct pool p = { .jobs = jobs, .n = n };
	pthread_t *tids = xcalloc(workers, sizeof(*tids));
	size_t started = 0;
	pthread_mutex_init(&p.lock, NULL);
	for (size_t w = 0; w < workers; w++)
		if (!pthread_create(&tids[started], NULL, worker, &p))
			started++;
	if (!started)
		worker(&p); /* no thread could start: read them here, one by one */
	for (size_t w = 0; w < started; w++)
		pthread_join(tids[w], NULL);
	pthread_mutex_destroy(&p.lock);
	free(tids);
}

/* progress_mode - live on a terminal that can redraw a line, plain on a dumb
 * one, nothing when stderr is no terminal (scripts and pipes stay quiet) */
static enum progress_mode progress_mode(bool wanted)
{
	const char *term = getenv("TERM");
	if (!wanted || !is_tty_fd(2))
		return PROGRESS_OFF;
	return term && !strcmp(term, "dumb") ? PROGRESS_PLAIN : PROGRESS_LIVE;
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
	size_t n = nr_names ? nr_names : cfg->nr_tenants, workers;
	struct job *jobs;
	struct run_options o = *opt;
	struct progress_board *board = NULL;
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
	board = progress_board_new(progress_mode(o.progress), o.trace, err);
	if (!board)
		return -1;
	workers = (size_t)(opt->concurrency > COLLECT_TENANT_WORKERS ? opt->concurrency : COLLECT_TENANT_WORKERS);
	if (workers > n)
		workers = n;
	http_global_init();

	jobs = xcalloc(n, sizeof(*jobs));
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
		jobs[i].cfg = cfg;
		jobs[i].opt = &o;
		jobs[i].t = t;
		jobs[i].progress = progress_tenant(board, t->name);
		/* validation pass: config and credential errors before any network */
		struct provider_session *ps = provider_open(cfg, t, &o, &jobs[i].err);
		if (!ps && n == 1) {
			*err = xstrfmt("tenant '%s': %s", t->name, jobs[i].err);
			ret = -1;
			goto out;
		}
		jobs[i].opened = ps != NULL;
		provider_close(ps);
	}
	run_pool(jobs, n, workers);
	if (progress_board_finish(board, err) < 0) {
		board = NULL;
		ret = -1;
		goto out;
	}
	board = NULL;

	if (n == 1 && jobs[0].rc < 0) {
		*err = xstrfmt("tenant '%s': %s", jobs[0].t->name,
			       jobs[0].err ? jobs[0].err : "collection failed");
		ret = -1;
		goto out;
	}
	*out = xcalloc(n, sizeof(**out));
	for (size_t i = 0; i < n; i++) {
		struct snapshot *s = jobs[i].snap;
		if (!jobs[i].opened || jobs[i].rc < 0 || !s) {
			snapshot_free(s);
			s = failed_snapshot(jobs[i].t, jobs[i].err ? jobs[i].err : "collection failed");
		}
		jobs[i].snap = NULL;
		if (!s->complete)
			ret = 1;
		(*out)[(*nr_out)++] = s;
	}
out:
	if (board) {
		char *e = NULL;
		progress_board_finish(board, &e);
		free(e);
	}
	for (size_t i = 0; i < n; i++) {
		snapshot_free(jobs[i].snap);
		free(jobs[i].err);
	}
	free(jobs);
	return ret;
}
