/*
 * probe.c - running recipient probes politely and comparing the answers
 * with the audit's predictions (probe.h).
 *
 * Addresses are grouped by the server that takes them (one --server, or the
 * MX of each domain), sent in connections of at most max_rcpt RCPTs (Postfix
 * slows a client down after smtpd_soft_error_limit = 10 errors and drops it
 * after smtpd_hard_error_limit = 20: postconf(5)), with a pause between two
 * connections. A reply 2xx is "accepted", 5xx "refused", 4xx "temporary"
 * (greylisting, a busy server: it proves nothing either way).
 */
#include "cli/probe.h"
#include "base/addr.h"
#include "checks/check.h"
#include "base/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* probe_parse_server - see probe.h */
int probe_parse_server(const char *spec, char **host, char **port)
{
	const char *colon;
	*host = *port = NULL;
	if (!spec || !*spec)
		return -1;
	if (spec[0] == '[') {
		const char *end = strchr(spec, ']');
		if (!end || end == spec + 1 || (end[1] && end[1] != ':'))
			return -1;
		*host = xstrndup(spec + 1, (size_t)(end - spec - 1));
		colon = end[1] ? end + 1 : NULL;
	} else {
		colon = strchr(spec, ':');
		if (colon && strchr(colon + 1, ':'))
			return -1; /* a bare IPv6 address: it needs brackets */
		*host = colon ? xstrndup(spec, (size_t)(colon - spec)) : xstrdup(spec);
	}
	if (colon) {
		char *end;
		long p = strtol(colon + 1, &end, 10);
		if (!colon[1] || *end || p < 1 || p > 65535) {
			FREE_AND_NULL(*host);
			return -1;
		}
	}
	*port = xstrdup(colon ? colon + 1 : "25");
	return **host ? 0 : -1;
}

/* pause_ms - sleep between two connections */
static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (ms > 0 && nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* run_server - every item whose server is host:port, in chunks of max_rcpt */
static void run_server(const struct probe_opts *o, struct probe_item *items, size_t n,
		       const char *host, const char *port, bool *first)
{
	const char **addrs = xcalloc(n ? n : 1, sizeof(*addrs));
	size_t *idx = xcalloc(n ? n : 1, sizeof(*idx)), nr = 0;
	char *label = xstrfmt("%s:%s", host, port);
	for (size_t i = 0; i < n; i++) {
		if (items[i].server && !strcmp(items[i].server, label) && !items[i].answered &&
		    !items[i].error) {
			idx[nr] = i;
			addrs[nr++] = items[i].address;
		}
	}
	for (size_t off = 0; off < nr; off += o->max_rcpt) {
		size_t k = nr - off < o->max_rcpt ? nr - off : o->max_rcpt;
		struct smtp_reply *rep = xcalloc(k, sizeof(*rep));
		struct smtp_probe_session sess;
		struct smtp_probe_opts so = {
			.host = host, .port = port, .from = o->from, .helo = o->helo,
			.ca_file = o->ca_file, .timeout_ms = o->timeout_ms, .require_tls = o->require_tls,
		};
		char *err = NULL;
		if (!*first)
			pause_ms(o->pause_ms);
		*first = false;
		int got = smtp_probe(&so, addrs + off, k, rep, &sess, &err);
		for (size_t j = 0; j < k; j++) {
			struct probe_item *it = &items[idx[off + j]];
			if (got >= 0 && j < (size_t)got && rep[j].code) {
				it->answered = true;
				it->tls = sess.tls;
				it->reply = rep[j];
				memset(&rep[j], 0, sizeof(rep[j]));
			} else {
				it->error = xstrdup(rep[j].text ? rep[j].text : err ? err : "not answered");
			}
			smtp_reply_release(&rep[j]);
		}
		free(rep);
		free(err);
		smtp_probe_session_release(&sess);
	}
	free(label);
	free(addrs);
	free(idx);
}

/* probe_run - see probe.h */
void probe_run(const struct probe_opts *o, struct probe_item *items, size_t n)
{
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		char *host = NULL, *port = NULL, *err = NULL;
		if (o->use_mx) {
			if (smtp_mx_lookup(addr_domain(items[i].address), o->resolver, &host, &err)) {
				items[i].error = err;
				continue;
			}
			port = xstrdup(o->mx_port ? o->mx_port : "25");
		} else if (probe_parse_server(o->server, &host, &port)) {
			items[i].error = xstrdup("--server: want HOST[:PORT]");
			continue;
		}
		items[i].server = xstrfmt("%s:%s", host, port);
		free(host);
		free(port);
	}
	for (size_t i = 0; i < n; i++) {
		char *host, *port, *colon;
		if (!items[i].server || items[i].answered || items[i].error)
			continue;
		colon = strrchr(items[i].server, ':');
		host = xstrndup(items[i].server, (size_t)(colon - items[i].server));
		port = xstrdup(colon + 1);
		run_server(o, items, n, host, port, &first);
		free(host);
		free(port);
	}
}

/* probe_predict - see probe.h */
void probe_predict(const struct route_graph *g, struct probe_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct probe_item *it = &items[i];
		enum match_step step;
		uint16_t t = route_domain_tenant(g, it->address);
		uint32_t node;
		it->prediction = PREDICT_NONE;
		if (t == TENANT_NONE) {
			it->why = "not a domain of the audited tenants";
			continue;
		}
		node = route_lookup(g, it->address, &step);
		const struct snapshot *s = g->snapshots[t];
		if (node != NODE_NONE) {
			it->prediction = PREDICT_ACCEPTED;
			it->why = step == MATCH_CATCH_ALL ? "taken by a catch-all" : "resolves to a recipient";
			continue;
		}
		for (size_t d = 0; d < s->nr_domains; d++) {
			if (str_eq_nocase(s->domains[d].name, addr_domain(it->address)) &&
			    (s->domains[d].type == DOM_INTERNAL_RELAY || s->domains[d].type == DOM_EXTERNAL_RELAY)) {
				it->why = "a relay domain: unknown addresses are passed on";
				goto next;
			}
		}
		if (snapshot_area_failed(s, "recipients", NULL)) {
			it->why = "the tenant's recipients were not read completely";
			continue;
		}
		it->prediction = PREDICT_REFUSED;
		it->why = "no recipient has this address: route.ghost, 550 5.1.1";
next:;
	}
}

/* probe_judge - see probe.h */
void probe_judge(struct probe_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct probe_item *it = &items[i];
		int cls = it->answered ? it->reply.code / 100 : 0;
		it->verdict = VERDICT_NONE;
		if (!it->answered || it->prediction == PREDICT_NONE)
			continue;
		if (cls == 4)
			it->verdict = VERDICT_TEMPORARY;
		else if ((cls == 2) == (it->prediction == PREDICT_ACCEPTED) && (cls == 2 || cls == 5))
			it->verdict = VERDICT_MATCH;
		else
			it->verdict = VERDICT_DIFFERS;
	}
}

/* probe_items_release - see probe.h */
void probe_items_release(struct probe_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i].server);
		free(items[i].error);
		smtp_reply_release(&items[i].reply);
	}
}

const char *probe_prediction_name(enum probe_prediction p)
{
	return p == PREDICT_REFUSED ? "refused" : p == PREDICT_ACCEPTED ? "accepted" : NULL;
}

const char *probe_verdict_name(enum probe_verdict v)
{
	static const char *const names[] = { NULL, "matches", "differs", "temporary" };
	return names[v];
}

/* probe_findings - see probe.h */
void probe_findings(const struct probe_opts *o, struct finding_list *fl)
{
	struct probe_item *items = xcalloc(fl->nr + 1, sizeof(*items));
	size_t *which = xcalloc(fl->nr + 1, sizeof(*which)), n = 0;
	for (size_t i = 0; i < fl->nr; i++) {
		const cJSON *t = cJSON_GetObjectItemCaseSensitive(fl->items[i].evidence, "target");
		if (strcmp(fl->items[i].check->id, "route.ghost") || !cJSON_IsString(t))
			continue;
		which[n] = i;
		items[n++].address = t->valuestring;
	}
	probe_run(o, items, n);
	for (size_t k = 0; k < n; k++) {
		const struct probe_item *it = &items[k];
		cJSON *p = cJSON_CreateObject();
		bool refused = it->answered && it->reply.code / 100 == 5;
		cJSON_AddStringToObject(p, "address", it->address);
		if (it->server)
			cJSON_AddStringToObject(p, "server", it->server);
		if (it->answered) {
			char *reply = xstrfmt("%d%s%s %s", it->reply.code, it->reply.enhanced ? " " : "",
					      it->reply.enhanced ? it->reply.enhanced : "", it->reply.text);
			cJSON_AddStringToObject(p, "reply", reply);
			free(reply);
		} else {
			cJSON_AddStringToObject(p, "error", it->error ? it->error : "not answered");
		}
		cJSON_AddBoolToObject(p, "confirmed", refused);
		cJSON_AddStringToObject(p, "result", refused ? "confirmed by the server" : "not confirmed");
		cJSON_AddItemToObject(fl->items[which[k]].evidence, "probe", p);
	}
	probe_items_release(items, n);
	free(items);
	free(which);
}
