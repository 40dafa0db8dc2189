/*
 * report_text.c - the text report of the headers command: message identity,
 * hops oldest first with what each verifier saw, ARC, SRS, diagnoses, notes,
 * and the 'aliasaudit explain CODE' footer.
 */
#include "headers/address.h"
#include "headers/headers_report.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

static const char *const main_methods[] = { "spf", "dkim", "dmarc", "arc", "compauth" };

/* dash - s or "-" */
static const char *dash(const char *s)
{
	return s && *s ? s : "-";
}

/* put_result - "method=result (key facts)" for one result */
static void put_result(struct strbuf *out, const struct ar_result *r)
{
	const char *v;

	strbuf_putf(out, "%s=%s", r->method, r->result);
	if (!strcmp(r->method, "spf") && (v = hdr_ar_prop(r, "smtp", "mailfrom")))
		strbuf_putf(out, " smtp.mailfrom=%s", v);
	if (!strcmp(r->method, "dkim") && ((v = hdr_ar_prop(r, "header", "d")) || (v = hdr_ar_prop(r, "header", "i"))))
		strbuf_putf(out, " d=%s", v);
	if (!strcmp(r->method, "dmarc") && (v = hdr_ar_prop(r, "header", "from")))
		strbuf_putf(out, " header.from=%s", v);
	if ((v = hdr_ar_prop(r, "", "action")))
		strbuf_putf(out, " action=%s", v);
	if (r->reason)
		strbuf_putf(out, " reason=%s", r->reason);
	if (r->comment && (!strcmp(r->method, "dmarc") || !strcmp(r->method, "spf")))
		strbuf_putf(out, " (%s)", r->comment);
}

/* put_authres - the verifiers of one Authentication-Results */
static void put_authres(struct strbuf *out, const struct authres *ar, const char *how, const char *indent)
{
	bool other = false;

	strbuf_putf(out, "%s%s%s%s%s:\n", indent, ar->authserv_id ? ar->authserv_id : "(no authserv-id)",
		    how ? " [tied by " : "", how ? how : "", how ? "]" : "");
	if (ar->none) {
		strbuf_putf(out, "%s  none (no method was evaluated)\n", indent);
		return;
	}
	for (size_t m = 0; m < ARRAY_SIZE(main_methods); m++) {
		for (size_t i = 0; i < ar->nr; i++) {
			if (strcmp(ar->results[i].method, main_methods[m]))
				continue;
			strbuf_putf(out, "%s  ", indent);
			put_result(out, &ar->results[i]);
			strbuf_puts(out, "\n");
		}
	}
	for (size_t i = 0; i < ar->nr; i++) {
		bool is_main = false;
		for (size_t m = 0; m < ARRAY_SIZE(main_methods); m++)
			is_main |= !strcmp(ar->results[i].method, main_methods[m]);
		if (is_main)
			continue;
		strbuf_putf(out, "%s%s%s=%s", other ? ", " : indent, other ? "" : "  other: ",
			    ar->results[i].method, ar->results[i].result);
		other = true;
	}
	if (other)
		strbuf_puts(out, "\n");
}

/* put_hops - every hop, oldest first, with its results */
static void put_hops(const struct hdr_analysis *a, struct strbuf *out)
{
	strbuf_putf(out, "\nHops (oldest first; hop 1 is the bottom Received field): %zu\n", a->nr_hops);
	for (size_t k = 1; k <= a->nr_hops; k++) {
		const struct received *r = &a->hops[k - 1].rcv;
		size_t i;

		strbuf_putf(out, "  hop %zu  from %s", k, dash(r->from));
		if (r->from_ip[0])
			strbuf_putf(out, " [%s]", r->from_ip);
		strbuf_putf(out, " by %s", dash(r->by));
		if (r->with)
			strbuf_putf(out, " with %s", r->with);
		strbuf_puts(out, "\n");
		if (r->date)
			strbuf_putf(out, "         date %s\n", r->date);
		for (i = hdr_next_ar(a, k, 0); i < a->nr_ars; i = hdr_next_ar(a, k, i + 1))
			put_authres(out, &a->ars[i].ar, a->ars[i].matched_by, "         ");
		for (i = 0; i < a->nr_rspfs; i++)
			if (a->rspfs[i].hop == k)
				strbuf_putf(out, "         Received-SPF: %s envelope-from=%s client-ip=%s\n",
					    a->rspfs[i].spf.result, dash(a->rspfs[i].spf.envelope_from),
					    dash(a->rspfs[i].spf.client_ip));
	}
	if (hdr_next_ar(a, 0, 0) < a->nr_ars) {
		strbuf_puts(out, "  results tied to no hop (no Received fields):\n");
		for (size_t i = hdr_next_ar(a, 0, 0); i < a->nr_ars; i = hdr_next_ar(a, 0, i + 1))
			put_authres(out, &a->ars[i].ar, NULL, "         ");
	}
}

/* put_arc - the ARC sets */
static void put_arc(const struct hdr_analysis *a, struct strbuf *out)
{
	if (!a->nr_arcs) {
		strbuf_puts(out, "\nARC: none\n");
		return;
	}
	strbuf_putf(out, "\nARC: %zu set(s)\n", a->nr_arcs);
	for (size_t i = 0; i < a->nr_arcs; i++) {
		const struct hdr_arc_set *s = &a->arcs[i];
		strbuf_putf(out, "  i=%d cv=%s sealed by %s; seal %s, message-signature %s, auth-results %s\n",
			    s->instance, dash(s->cv), dash(s->seal_domain), s->seal ? "yes" : "NO",
			    s->ams ? "yes" : "NO", s->aar ? "yes" : "NO");
		if (s->aar)
			put_authres(out, &s->aar_res, NULL, "    ");
	}
}

/* put_srs - every SRS address with its parts and checks */
static void put_srs(const struct hdr_analysis *a, struct strbuf *out)
{
	if (!a->nr_srs) {
		strbuf_puts(out, "\nSRS: no rewritten envelope sender\n");
		return;
	}
	strbuf_puts(out, "\nSRS:\n");
	for (size_t i = 0; i < a->nr_srs; i++) {
		const struct hdr_srs_seen *e = &a->srs[i];
		const struct srs_addr *s = &e->srs;
		strbuf_putf(out, "  %s (%s, %s)\n", e->address, e->source, hdr_srs_kind_name(s->kind));
		if (e->parse < 0) {
			strbuf_puts(out, "    malformed: could not be split into its parts\n");
			continue;
		}
		strbuf_putf(out, "    hash %s, timestamp %s", dash(s->hash), dash(s->timestamp));
		if (s->orig_domain)
			strbuf_putf(out, ", original sender %s@%s", dash(s->orig_local), s->orig_domain);
		if (s->first_forwarder)
			strbuf_putf(out, ", first forwarder %s", s->first_forwarder);
		strbuf_putf(out, ", forwarder %s\n", dash(s->forwarder_domain));
		if (s->kind == SRS_EXCHANGE || s->kind == SRS_EXCHANGE_SHORT) {
			strbuf_puts(out, "    hash and age: unverifiable (Exchange Online uses Microsoft's secret)\n");
			continue;
		}
		if (e->check.age_days >= 0)
			strbuf_putf(out, "    age %d day(s): %s\n", e->check.age_days,
				    e->check.age == SRS_OK ? "within the maximum" : "EXPIRED");
		else
			strbuf_puts(out, "    age: malformed timestamp\n");
		if (!a->srs_secret_given)
			strbuf_puts(out, "    hash: not checked (give --srs-secret to check it)\n");
		else
			strbuf_putf(out, "    hash: %s%s%s\n", hdr_srs_verdict_name(e->check.hash),
				    s->kind == SRS_KIND1 ? "; first forwarder's hash: " : "",
				    s->kind == SRS_KIND1 ? hdr_srs_verdict_name(e->check.inner_hash) : "");
	}
}

/* hdr_report_text - see headers_report.h */
void hdr_report_text(const struct hdr_analysis *a, const char *source, struct strbuf *out)
{
	char *org;

	strbuf_putf(out, "Message: %s (%zu header fields)\n", source, a->nr_fields);
	org = hdr_org_domain(a->from_domain);
	strbuf_putf(out, "From:        %s (organizational domain %s)\n", dash(a->from_addr), dash(org));
	free(org);
	if (!a->rp_addr) {
		strbuf_puts(out, "Return-Path: (none)\n");
	} else if (!*a->rp_addr) {
		strbuf_puts(out, "Return-Path: <> (null: a bounce or auto-reply)\n");
	} else {
		org = hdr_org_domain(a->rp_domain);
		strbuf_putf(out, "Return-Path: %s (organizational domain %s)\n", dash(a->rp_addr), dash(org));
		free(org);
	}
	if (a->authas)
		strbuf_putf(out, "Exchange AuthAs: %s\n", a->authas);
	put_hops(a, out);
	put_arc(a, out);
	put_srs(a, out);
	strbuf_puts(out, "\nDiagnosis:\n");
	for (size_t i = 0; i < a->nr_diags; i++) {
		const struct hdr_diag *d = &a->diags[i];
		strbuf_putf(out, "  [%s] %s", hdr_severity_name(d->severity), d->code);
		if (d->hop)
			strbuf_putf(out, " (hop %zu)", d->hop);
		strbuf_putf(out, "\n      %s\n", d->summary);
		for (size_t j = 0; j < d->nr_evidence; j++)
			strbuf_putf(out, "      - %s\n", d->evidence[j]);
	}
	if (a->notes.nr) {
		strbuf_puts(out, "\nNotes:\n");
		for (size_t i = 0; i < a->notes.nr; i++)
			strbuf_putf(out, "  - %s\n", a->notes.items[i]);
		if (a->notes.dropped)
			strbuf_putf(out, "  - (%zu more notes not shown)\n", a->notes.dropped);
	}
	strbuf_puts(out, "\nRun 'aliasaudit explain CODE' (e.g. 'aliasaudit explain headers.srs-missing') "
		    "for the cause and the fix of a diagnosis.\n");
}
