/*
 * gws.c - the Google Workspace provider: one const struct provider_ops, and
 * the session that open() builds from a [tenant] section without touching
 * the network (the key file is read and checked here). Collection lives in
 * gws_collect.c.
 *
 * Tenant keys: credentials (service-account JSON key; else
 * GOOGLE_APPLICATION_CREDENTIALS), admin_subject (an admin, for the Directory
 * API), super_admin_subject (for the Policy API; default admin_subject),
 * customer (default my_customer), admin_url, gmail_url, cloudidentity_url,
 * ca_file, concurrency, gmail_batch_size (1..100, default 50),
 * policy_page_delay_ms (default 1000), max_pages (the longest page chain
 * followed, default GWS_MAX_PAGES), policy_quota_wait_ms and
 * policy_quota_max_wait_ms (the Policy API read quota's first wait and total
 * bound, default GWS_QUOTA_WAIT_MS and GWS_QUOTA_MAX_WAIT_MS), and catch_all
 * / catch_all.NAME = domain:target:scope[:name] (docs/gworkspace.md).
 */
#include "gws.h"
#include "gws_fix.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>


/* number - key as a number in [lo, hi], def when unset; -1 with *err when bad */
static long number(const struct config *cfg, const struct tenant_config *t, const char *key, long lo,
		   long hi, long def, const char *where, char **err)
{
	const char *v = tenant_get(cfg, t, key);
	char *end;
	long n;
	if (!v)
		return def;
	n = strtol(v, &end, 10);
	if (end == v || *end || n < lo || n > hi) {
		*err = xstrfmt("%s: %s: '%s' is not a number from %ld to %ld", where, key, v, lo, hi);
		return -1;
	}
	return n;
}

/* is_catch_all_key - catch_all, catch_all.NAME or catch_all_NAME */
static bool is_catch_all_key(const char *k)
{
	return !strcmp(k, "catch_all") || starts_with(k, "catch_all.") || starts_with(k, "catch_all_");
}

/* gws_close - see provider.h */
static void gws_close(struct provider_session *ps)
{
	struct gws_session *gs = (struct gws_session *)ps;
	if (!gs)
		return;
	gws_auth_free(gs->auth);
	http_client_free(gs->http);
	free(gs->admin_url);
	free(gs->gmail_url);
	free(gs->ci_url);
	free(gs->admin_subject);
	free(gs->super_admin_subject);
	free(gs->customer);
	for (size_t i = 0; i < gs->nr_catch_all; i++)
		free(gs->catch_all[i]);
	free(gs->catch_all);
	free(gs->where);
	free(gs);
}

/* gws_open - see provider.h */
static struct provider_session *gws_open(const struct config *cfg, const struct tenant_config *t,
					 const struct run_options *opt, char **err)
{
	struct gws_session *gs = xcalloc(1, sizeof(*gs));
	struct http_client_opts ho = { 0 };
	struct gws_key *key = NULL;
	const char *cred = tenant_get(cfg, t, "credentials"), *admin = tenant_get(cfg, t, "admin_subject");
	const char *super = tenant_get(cfg, t, "super_admin_subject"), *cust = tenant_get(cfg, t, "customer");
	long conc, bs, delay, pages, qwait, qmax;
	char *kerr = NULL;

	gs->where = xstrfmt("%s:%d: tenant '%s'", t->source ? t->source : "config", t->line, t->name);
	if (!cred || !*cred)
		cred = getenv("GOOGLE_APPLICATION_CREDENTIALS");
	if (!cred || !*cred) {
		*err = xstrfmt("%s: no credentials: set credentials = the service-account key file "
			       "(or GOOGLE_APPLICATION_CREDENTIALS)", gs->where);
		goto fail;
	}
	if (!admin || !strchr(admin, '@')) {
		*err = xstrfmt("%s: %s: set admin_subject = the address of an administrator to impersonate "
			       "(domain-wide delegation)", gs->where, admin ? "admin_subject is not an address" :
			       "missing key 'admin_subject'");
		goto fail;
	}
	if (super && !strchr(super, '@')) {
		*err = xstrfmt("%s: super_admin_subject '%s' is not an address", gs->where, super);
		goto fail;
	}
	if ((conc = number(cfg, t, "concurrency", 1, HTTP_MAX_CONCURRENCY, 8, gs->where, err)) < 0 ||
	    (bs = number(cfg, t, "gmail_batch_size", 1, GWS_BATCH_MAX, GWS_BATCH_DEFAULT, gs->where, err)) < 0 ||
	    (delay = number(cfg, t, "policy_page_delay_ms", 0, 60000, GWS_POLICY_DELAY_MS, gs->where, err)) < 0 ||
	    (pages = number(cfg, t, "max_pages", 1, 10000000, GWS_MAX_PAGES, gs->where, err)) < 0 ||
	    (qwait = number(cfg, t, "policy_quota_wait_ms", 1, 600000, GWS_QUOTA_WAIT_MS, gs->where, err)) < 0 ||
	    (qmax = number(cfg, t, "policy_quota_max_wait_ms", 0, 3600000, GWS_QUOTA_MAX_WAIT_MS, gs->where, err)) < 0)
		goto fail;
	/* the catch-all declarations are checked now: a typo is a config error */
	for (size_t i = 0; i < t->nr_kv; i++) {
		struct gws_build b = { 0 };
		char *cerr = NULL;
		if (!is_catch_all_key(t->kv[i].key))
			continue;
		b.s = snapshot_new(t->name, "gworkspace");
		if (gws_parse_catch_all(&b, t->kv[i].value, &cerr) < 0) {
			*err = xstrfmt("%s:%d: %s: %s", t->source ? t->source : "config", t->kv[i].line,
				       t->kv[i].key, cerr);
			free(cerr);
			gws_build_release(&b);
			snapshot_free(b.s);
			goto fail;
		}
		gws_build_release(&b);
		snapshot_free(b.s);
		gs->catch_all = xreallocarray(gs->catch_all, gs->nr_catch_all + 1, sizeof(*gs->catch_all));
		gs->catch_all[gs->nr_catch_all++] = xstrdup(t->kv[i].value);
	}
	if (gws_key_load(cred, &key, &kerr) < 0) {
		*err = xstrfmt("tenant '%s': %s", t->name, kerr);
		free(kerr);
		goto fail;
	}
	if (opt->concurrency > 0)
		conc = opt->concurrency;
	ho.concurrency = (int)conc;
	ho.ca_file = tenant_get(cfg, t, "ca_file");
	ho.max_body = GWS_MAX_BODY;
	gs->http = http_client_new(&ho);
	gs->auth = gws_auth_new(key, gs->http);
	gs->admin_url = tenant_service_root(cfg, t, "admin_url", GWS_ADMIN_URL);
	gs->gmail_url = tenant_service_root(cfg, t, "gmail_url", GWS_GMAIL_URL);
	gs->ci_url = tenant_service_root(cfg, t, "cloudidentity_url", GWS_CLOUDIDENTITY_URL);
	gs->admin_subject = xstrdup(admin);
	gs->super_admin_subject = xstrdup(super ? super : admin);
	gs->customer = xstrdup(cust && *cust ? cust : "my_customer");
	/* read-only audits ask for gmail.settings.basic only; fixes add sharing */
	gs->gmail_scopes = opt->write_access ? GWS_SCOPES_GMAIL_WRITE : GWS_SCOPES_GMAIL;
	gs->batch_size = (int)bs;
	gs->policy_delay_ms = delay;
	gs->max_pages = pages;
	gs->quota.first_ms = qwait;
	gs->quota.max_ms = qmax;
	return &gs->base;
fail:
	gws_close(&gs->base);
	return NULL;
}

/* gws_sections - what gws_collect always fills (a missing one is a gap) */
static const char *const gws_sections[] = {
	"forwards", "auto_replies", "send_as", "policy.auto_forwarding_ou", NULL,
};

/* gworkspace_platform - the platform rules (gworkspace/gws_platform.c) */
extern const struct platform_rules gworkspace_platform;
extern const struct platform_dns gws_dns;

const struct provider_ops gworkspace_provider = {
	.name = "gworkspace",
	.caps = PROVIDER_CAN_COLLECT | PROVIDER_CAN_FIX,
	.platform = &gworkspace_platform,
	.dns = &gws_dns,
	.open = gws_open,
	.collect = gws_collect,
	.plan_fix = gws_plan_fix,
	.read_value = gws_read_value,
	.tenant_key = gws_tenant_key,
	.apply_change = gws_apply_change,
	.revert_change = gws_revert_change,
	.close = gws_close,
	.sections = gws_sections,
	.srs_note = "Gmail rewrites the envelope sender of forwarded mail; DMARC still depends on "
		    "the original DKIM signature surviving",
	.tenant_from_env = gws_tenant_from_env,
};
