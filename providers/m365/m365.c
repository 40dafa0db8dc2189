/*
 * m365.c - the Microsoft 365 provider: one const struct provider_ops, and
 * the session (endpoints, the HTTP client, the Entra app and one token per
 * resource) that open() builds from a [tenant] section without touching the
 * network. Collection lives in m365_collect.c.
 *
 * Tenant keys: tenant_id (GUID), client_id, client_secret_env (the name of
 * an environment variable) or certificate (PEM, key inside or in
 * certificate_key) with certificate_alg = PS256 (default) | RS256;
 * login_url, graph_url, exchange_url (token scopes follow them: national
 * clouds), graph_resource, exchange_resource (the token resource when the
 * roots are not Microsoft's own, e.g. a proxy), ca_file, concurrency. For fix --apply and
 * undo (run_options.write_access) an optional second app: write_client_id with
 * write_client_secret_env or write_certificate (+ write_certificate_key,
 * write_certificate_alg); without it the main app must hold the write roles.
 */
#include "m365.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>


/* m365_open - see provider.h */
static struct provider_session *m365_open(const struct config *cfg, const struct tenant_config *t,
					  const struct run_options *opt, char **err)
{
	struct m365_session *ms;
	struct entra_app_opts ao = { 0 };
	struct http_client_opts ho = { 0 };
	const char *tid = tenant_get(cfg, t, "tenant_id"), *cid = tenant_get(cfg, t, "client_id");
	const char *senv = tenant_get(cfg, t, "client_secret_env"), *cert = tenant_get(cfg, t, "certificate");
	const char *alg = tenant_get(cfg, t, "certificate_alg"), *conc = tenant_get(cfg, t, "concurrency");
	const char *where = t->source ? t->source : "config";

	/* fix --apply and undo may use a separate app that holds the write permissions,
	 * so the everyday audit app can stay read-only */
	bool wr = opt->write_access && tenant_get(cfg, t, "write_client_id");
	if (wr) {
		cid = tenant_get(cfg, t, "write_client_id");
		senv = tenant_get(cfg, t, "write_client_secret_env");
		cert = tenant_get(cfg, t, "write_certificate");
		alg = tenant_get(cfg, t, "write_certificate_alg");
	}
	if (tenant_get(cfg, t, "write_client_secret")) {
		*err = xstrfmt("%s:%d: tenant '%s': secrets never sit in the file: name an environment "
			       "variable with write_client_secret_env", where, t->line, t->name);
		return NULL;
	}

	if (!tid || !cid) {
		*err = xstrfmt("%s:%d: tenant '%s': missing key '%s'", where, t->line, t->name,
			       !tid ? "tenant_id" : "client_id");
		return NULL;
	}
	if (!m365_is_guid(tid)) {
		*err = xstrfmt("%s:%d: tenant '%s': tenant_id '%s' is not the tenant GUID "
			       "(the Exchange admin API wants the GUID in its path)", where, t->line, t->name, tid);
		return NULL;
	}
	if (senv && cert) {
		*err = xstrfmt("%s:%d: tenant '%s': set client_secret_env or certificate, not both",
			       where, t->line, t->name);
		return NULL;
	}
	if (senv) {
		ao.secret = getenv(senv);
		if (!ao.secret || !*ao.secret) {
			*err = xstrfmt("tenant '%s': client_secret_env names %s, which is not set in the environment",
				       t->name, senv);
			return NULL;
		}
	} else if (!cert) {
		*err = xstrfmt("%s:%d: tenant '%s': no credential: set %sclient_secret_env or %scertificate",
			       where, t->line, t->name, wr ? "write_" : "", wr ? "write_" : "");
		return NULL;
	}
	ms = xcalloc(1, sizeof(*ms));
	ms->concurrency = opt->concurrency > 0 ? opt->concurrency : conc ? atoi(conc) : 8;
	if (ms->concurrency <= 0)
		ms->concurrency = 8;
	ho.concurrency = ms->concurrency;
	ho.ca_file = tenant_get(cfg, t, "ca_file");
	ms->http = http_client_new(&ho);
	ms->graph_url = tenant_service_root(cfg, t, "graph_url", M365_GRAPH_URL);
	ms->exchange_url = tenant_service_root(cfg, t, "exchange_url", M365_EXCHANGE_URL);
	ms->tenant_id = xstrdup(tid);
	{
		char *login = tenant_service_root(cfg, t, "login_url", M365_LOGIN_URL);
		ao.login_url = login;
		ao.tenant = tid;
		ao.client_id = cid;
		ao.cert_path = cert;
		ao.key_path = tenant_get(cfg, t, wr ? "write_certificate_key" : "certificate_key");
		ao.alg = alg && !strcasecmp(alg, "rs256") ? JWT_RS256 : JWT_PS256;
		ms->app = entra_app_new(&ao, ms->http, err);
		free(login);
	}
	if (!ms->app) {
		char *e = xstrfmt("tenant '%s': %s", t->name, *err);
		free(*err);
		*err = e;
		http_client_free(ms->http);
		free(ms->graph_url);
		free(ms->exchange_url);
		free(ms->tenant_id);
		free(ms);
		return NULL;
	}
	{
		/* one token per resource, the resource of the configured cloud */
		char *gs = m365_scope(ms->graph_url, tenant_get(cfg, t, "graph_resource"), M365_GRAPH_URL);
		char *es = m365_scope(ms->exchange_url, tenant_get(cfg, t, "exchange_resource"),
				      M365_EXCHANGE_URL);
		entra_token_init(&ms->graph, ms->app, gs);
		entra_token_init(&ms->exchange, ms->app, es);
		free(gs);
		free(es);
	}
	return &ms->base;
}

/* m365_close - see provider.h */
static void m365_close(struct provider_session *ps)
{
	struct m365_session *ms = (struct m365_session *)ps;
	if (!ms)
		return;
	entra_token_release(&ms->graph);
	entra_token_release(&ms->exchange);
	entra_app_free(ms->app);
	http_client_free(ms->http);
	free(ms->graph_url);
	free(ms->exchange_url);
	free(ms->tenant_id);
	free(ms);
}

/* m365_sections - what m365_collect always fills (a missing one is a gap) */
static const char *const m365_sections[] = {
	"forwards", "auto_replies", "policy.send_from_alias", "policy.plus_addressing",
	"policy.outbound_forwarding", "policy.remote_domains", NULL,
};

/* m365_platform - the platform rules (m365/m365_platform.c) */
extern const struct platform_rules m365_platform;
extern const struct platform_dns m365_dns;

/* SRS: learn.microsoft.com/exchange/reference/sender-rewriting-scheme */
const struct provider_ops m365_provider = {
	.name = "m365",
	.caps = PROVIDER_CAN_COLLECT | PROVIDER_CAN_FIX,
	.platform = &m365_platform,
	.dns = &m365_dns,
	.open = m365_open,
	.collect = m365_collect,
	.plan_fix = m365_plan_fix,
	.read_value = m365_read_value,
	.tenant_key = m365_tenant_key,
	.apply_change = m365_apply_change,
	.revert_change = m365_revert_change,
	.close = m365_close,
	.sections = m365_sections,
	.srs_note = "Exchange Online rewrites the envelope sender (SRS), so SPF passes for the "
		    "forwarder; DMARC still depends on the original DKIM signature surviving",
	.tenant_from_env = m365_tenant_from_env,
};
