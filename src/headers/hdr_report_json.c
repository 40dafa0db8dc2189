/*
 * report_json.c - the JSON report of the headers command (schema
 * "aliasaudit.headers/1"), built with cJSON: hops oldest first with their
 * results, ARC sets, SRS addresses, diagnoses and notes.
 */
#include "headers/address.h"
#include "headers/headers_report.h"
#include "base/display.h"
#include "base/util.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* add_str - a string member, or null when s is NULL */
static void add_str(cJSON *o, const char *key, const char *s)
{
	if (s)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

/* result_json - one method result */
static cJSON *result_json(const struct ar_result *r)
{
	cJSON *o = cJSON_CreateObject(), *props = cJSON_CreateArray();

	cJSON_AddStringToObject(o, "method", r->method);
	if (r->version)
		cJSON_AddNumberToObject(o, "version", r->version);
	else
		cJSON_AddNullToObject(o, "version");
	cJSON_AddStringToObject(o, "result", r->result);
	add_str(o, "reason", r->reason);
	add_str(o, "comment", r->comment);
	for (size_t i = 0; i < r->nr_props; i++) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "ptype", r->props[i].ptype);
		cJSON_AddStringToObject(p, "property", r->props[i].property);
		cJSON_AddStringToObject(p, "value", r->props[i].value);
		cJSON_AddItemToArray(props, p);
	}
	cJSON_AddItemToObject(o, "properties", props);
	return o;
}

/* authres_json - one Authentication-Results field */
static cJSON *authres_json(const struct authres *ar, const char *matched_by)
{
	cJSON *o = cJSON_CreateObject(), *res = cJSON_CreateArray();

	add_str(o, "authserv_id", ar->authserv_id);
	if (ar->version)
		cJSON_AddNumberToObject(o, "version", ar->version);
	else
		cJSON_AddNullToObject(o, "version");
	cJSON_AddBoolToObject(o, "none", ar->none);
	if (matched_by)
		cJSON_AddStringToObject(o, "tied_by", matched_by);
	for (size_t i = 0; i < ar->nr; i++)
		cJSON_AddItemToArray(res, result_json(&ar->results[i]));
	cJSON_AddItemToObject(o, "results", res);
	return o;
}

/* verifiers_json - {"spf": "fail", ...}: the first result per main method at a hop */
static cJSON *verifiers_json(const struct hdr_analysis *a, size_t hop)
{
	static const char *const methods[] = { "spf", "dkim", "dmarc", "arc", "compauth" };
	cJSON *o = cJSON_CreateObject();

	for (size_t m = 0; m < ARRAY_SIZE(methods); m++) {
		const struct ar_result *r = hdr_find_result(a, hop, methods[m], NULL);
		add_str(o, methods[m], r ? r->result : NULL);
	}
	return o;
}

/* hops_json - the Received chain, oldest first */
static cJSON *hops_json(const struct hdr_analysis *a)
{
	cJSON *hops = cJSON_CreateArray();

	for (size_t k = 1; k <= a->nr_hops; k++) {
		const struct received *r = &a->hops[k - 1].rcv;
		cJSON *h = cJSON_CreateObject(), *ars = cJSON_CreateArray(), *spfs = cJSON_CreateArray();

		cJSON_AddNumberToObject(h, "hop", (double)k);
		add_str(h, "from", r->from);
		add_str(h, "from_ip", r->from_ip[0] ? r->from_ip : NULL);
		add_str(h, "from_comment", r->from_comment);
		add_str(h, "by", r->by);
		add_str(h, "via", r->via);
		add_str(h, "with", r->with);
		add_str(h, "id", r->id);
		add_str(h, "for", r->for_addr);
		add_str(h, "date", r->date);
		cJSON_AddItemToObject(h, "verifiers", verifiers_json(a, k));
		for (size_t i = hdr_next_ar(a, k, 0); i < a->nr_ars; i = hdr_next_ar(a, k, i + 1))
			cJSON_AddItemToArray(ars, authres_json(&a->ars[i].ar, a->ars[i].matched_by));
		cJSON_AddItemToObject(h, "auth_results", ars);
		for (size_t i = 0; i < a->nr_rspfs; i++) {
			const struct received_spf *s = &a->rspfs[i].spf;
			cJSON *o;
			if (a->rspfs[i].hop != k)
				continue;
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "result", s->result);
			add_str(o, "comment", s->comment);
			add_str(o, "client_ip", s->client_ip);
			add_str(o, "envelope_from", s->envelope_from);
			add_str(o, "helo", s->helo);
			add_str(o, "receiver", s->receiver);
			cJSON_AddStringToObject(o, "tied_by", a->rspfs[i].matched_by);
			cJSON_AddItemToArray(spfs, o);
		}
		cJSON_AddItemToObject(h, "received_spf", spfs);
		cJSON_AddItemToArray(hops, h);
	}
	return hops;
}

/* arc_json - the ARC sets */
static cJSON *arc_json(const struct hdr_analysis *a)
{
	cJSON *o = cJSON_CreateObject(), *sets = cJSON_CreateArray();

	cJSON_AddBoolToObject(o, "present", a->nr_arcs > 0);
	for (size_t i = 0; i < a->nr_arcs; i++) {
		const struct hdr_arc_set *s = &a->arcs[i];
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "instance", s->instance);
		add_str(j, "cv", s->cv);
		add_str(j, "sealed_by", s->seal_domain);
		cJSON_AddBoolToObject(j, "seal", s->seal);
		cJSON_AddBoolToObject(j, "message_signature", s->ams);
		if (s->aar)
			cJSON_AddItemToObject(j, "auth_results", authres_json(&s->aar_res, NULL));
		else
			cJSON_AddNullToObject(j, "auth_results");
		cJSON_AddItemToArray(sets, j);
	}
	cJSON_AddItemToObject(o, "sets", sets);
	return o;
}

/* srs_json - every SRS envelope sender */
static cJSON *srs_json(const struct hdr_analysis *a)
{
	cJSON *arr = cJSON_CreateArray();

	for (size_t i = 0; i < a->nr_srs; i++) {
		const struct hdr_srs_seen *e = &a->srs[i];
		const struct srs_addr *s = &e->srs;
		cJSON *o = cJSON_CreateObject(), *chk = cJSON_CreateObject();

		cJSON_AddStringToObject(o, "address", e->address);
		cJSON_AddStringToObject(o, "source", e->source);
		cJSON_AddStringToObject(o, "kind", hdr_srs_kind_name(s->kind));
		cJSON_AddBoolToObject(o, "well_formed", e->parse > 0);
		add_str(o, "hash", s->hash);
		add_str(o, "timestamp", s->timestamp);
		add_str(o, "original_domain", s->orig_domain);
		add_str(o, "original_local", s->orig_local);
		add_str(o, "first_forwarder", s->first_forwarder);
		add_str(o, "first_forwarder_hash", s->inner_hash);
		add_str(o, "forwarder_local", s->forwarder_local);
		add_str(o, "forwarder_domain", s->forwarder_domain);
		cJSON_AddStringToObject(chk, "hash", hdr_srs_verdict_name(e->check.hash));
		if (s->kind == SRS_KIND1)
			cJSON_AddStringToObject(chk, "first_forwarder_hash",
						hdr_srs_verdict_name(e->check.inner_hash));
		cJSON_AddStringToObject(chk, "age", hdr_srs_verdict_name(e->check.age));
		if (e->check.age_days >= 0)
			cJSON_AddNumberToObject(chk, "age_days", e->check.age_days);
		else
			cJSON_AddNullToObject(chk, "age_days");
		cJSON_AddItemToObject(o, "check", chk);
		cJSON_AddItemToArray(arr, o);
	}
	return arr;
}

/* addr_json - {"address", "domain", "org_domain"} or null */
static cJSON *addr_json(const char *addr, const char *domain)
{
	cJSON *o;
	char *org;

	if (!addr)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "address", addr);
	add_str(o, "domain", domain);
	org = hdr_org_domain(domain);
	add_str(o, "org_domain", org);
	free(org);
	return o;
}

/* hdr_report_json - see headers_report.h */
char *hdr_report_json(const struct hdr_analysis *a, const char *source)
{
	cJSON *root = cJSON_CreateObject(), *arr, *un;
	char *s;

	cJSON_AddStringToObject(root, "schema", "aliasaudit.headers/1");
	cJSON_AddStringToObject(root, "source", source);
	cJSON_AddStringToObject(root, "order", "oldest-first");
	cJSON_AddNumberToObject(root, "header_fields", (double)a->nr_fields);
	cJSON_AddItemToObject(root, "from", addr_json(a->from_addr, a->from_domain));
	cJSON_AddItemToObject(root, "return_path", addr_json(a->rp_addr, a->rp_domain));
	add_str(root, "exchange_authas", a->authas);
	cJSON_AddItemToObject(root, "hops", hops_json(a));
	un = cJSON_CreateArray();
	for (size_t i = hdr_next_ar(a, 0, 0); i < a->nr_ars; i = hdr_next_ar(a, 0, i + 1))
		cJSON_AddItemToArray(un, authres_json(&a->ars[i].ar, NULL));
	cJSON_AddItemToObject(root, "untied_auth_results", un);
	cJSON_AddItemToObject(root, "arc", arc_json(a));
	cJSON_AddItemToObject(root, "srs", srs_json(a));
	arr = cJSON_CreateArray();
	for (size_t i = 0; i < a->nr_diags; i++) {
		const struct hdr_diag *d = &a->diags[i];
		cJSON *o = cJSON_CreateObject(), *ev = cJSON_CreateArray();
		cJSON_AddStringToObject(o, "code", d->code);
		cJSON_AddStringToObject(o, "severity", hdr_severity_name(d->severity));
		if (d->hop)
			cJSON_AddNumberToObject(o, "hop", (double)d->hop);
		else
			cJSON_AddNullToObject(o, "hop");
		cJSON_AddStringToObject(o, "summary", d->summary);
		for (size_t j = 0; j < d->nr_evidence; j++)
			cJSON_AddItemToArray(ev, cJSON_CreateString(d->evidence[j]));
		cJSON_AddItemToObject(o, "evidence", ev);
		cJSON_AddItemToArray(arr, o);
	}
	cJSON_AddItemToObject(root, "diagnoses", arr);
	arr = cJSON_CreateArray();
	for (size_t i = 0; i < a->notes.nr; i++)
		cJSON_AddItemToArray(arr, cJSON_CreateString(a->notes.items[i]));
	if (a->notes.dropped) {
		char *m = xstrfmt("%zu more notes not shown", a->notes.dropped);
		cJSON_AddItemToArray(arr, cJSON_CreateString(m));
		free(m);
	}
	cJSON_AddItemToObject(root, "notes", arr);
	cJSON_AddStringToObject(root, "explain", "run 'aliasaudit explain CODE' for the cause and the fix of a diagnosis code");
	s = json_neutralise(cJSON_Print(root));
	cJSON_Delete(root);
	if (!s)
		BUG("cJSON_Print failed");
	return s;
}
