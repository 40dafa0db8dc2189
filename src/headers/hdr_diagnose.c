/*
 * diagnose.c - turns the trace model into diagnoses with stable codes
 * (see diagnose.h for the list and analyze.h for the model).
 */
#include "headers/diagnose.h"
#include "headers/address.h"
#include "base/util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* add_diag - append a diagnosis with a formatted summary */
static struct hdr_diag *add_diag(struct hdr_analysis *a, const char *code, enum hdr_severity sev,
				 size_t hop, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static struct hdr_diag *add_diag(struct hdr_analysis *a, const char *code, enum hdr_severity sev,
				 size_t hop, const char *fmt, ...)
{
	struct hdr_diag *d;
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		oom();
	ALLOC_GROW(a->diags, a->nr_diags + 1, a->alloc_diags);
	d = &a->diags[a->nr_diags++];
	memset(d, 0, sizeof(*d));
	d->code = code;
	d->severity = sev;
	d->hop = hop;
	d->summary = s;
	return d;
}

/* add_evidence - append one line of evidence to d */
static void add_evidence(struct hdr_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_evidence(struct hdr_diag *d, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s)
		oom();
	ALLOC_GROW(d->evidence, d->nr_evidence + 1, d->alloc_evidence);
	d->evidence[d->nr_evidence++] = s;
}

/* or_dash - s, or "-" when NULL/empty */
static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

/* is_spf_fail - SPF results that mean "this IP is not allowed" */
static bool is_spf_fail(const char *r)
{
	return !strcmp(r, "fail") || !strcmp(r, "softfail") || !strcmp(r, "hardfail");
}

/* hop_receiver - the name of the receiving host of a hop */
static const char *hop_receiver(const struct hdr_analysis *a, size_t hop, const char *authserv)
{
	if (authserv)
		return authserv;
	if (hop && hop <= a->nr_hops && a->hops[hop - 1].rcv.by)
		return a->hops[hop - 1].rcv.by;
	return "the receiver";
}

/* connecting_ip - the IP that connected at a hop, from Received or the result itself */
static bool connecting_ip(const struct hdr_analysis *a, size_t hop, const struct ar_result *r, char *out)
{
	if (hop && hop <= a->nr_hops && a->hops[hop - 1].rcv.from_ip[0]) {
		memcpy(out, a->hops[hop - 1].rcv.from_ip, HDR_IP_MAX);
		return true;
	}
	if (r && r->comment && hdr_ip_find(r->comment, out))
		return true;
	for (size_t i = 0; i < a->nr_rspfs; i++) {
		const char *ip = a->rspfs[i].spf.client_ip;
		if (a->rspfs[i].hop == hop && ip && hdr_ip_valid(ip, strlen(ip), out))
			return true;
	}
	return false;
}

/* forwarding_evidence - add what shows that the message was forwarded before
 * reaching hop; returns the number of evidence lines added */
static size_t forwarding_evidence(const struct hdr_analysis *a, size_t hop, const char *mf_domain,
				  const char *receiver, struct hdr_diag *d)
{
	size_t n = 0;
	const struct ar_result *dk;

	/* an earlier receiver accepted SPF for the sender: the path changed since */
	for (size_t k = 1; hop && k < hop; k++) {
		const struct hdr_ar *h = NULL;
		const struct ar_result *r = hdr_find_result(a, k, "spf", &h);
		if (r && !strcmp(r->result, "pass")) {
			add_evidence(d, "SPF passed at hop %zu (%s): the message reached a forwarder first",
				     k, or_dash(h->ar.authserv_id));
			n++;
			break;
		}
	}
	/* the original DKIM signature still verifies for the sender's domain */
	for (size_t i = 0; i < a->nr_ars; i++) {
		if (a->ars[i].hop != hop)
			continue;
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const char *dd;
			dk = &a->ars[i].ar.results[j];
			if (strcmp(dk->method, "dkim") || strcmp(dk->result, "pass"))
				continue;
			dd = hdr_ar_prop(dk, "header", "d");
			if (!dd)
				dd = hdr_ar_prop(dk, "header", "i");
			if (dd && (hdr_same_org(hdr_addr_domain(dd), mf_domain) ||
				   (a->from_domain && hdr_same_org(hdr_addr_domain(dd), a->from_domain)))) {
				add_evidence(d, "DKIM still passes for %s: the content is the sender's, only the path changed",
					     hdr_addr_domain(dd));
				n++;
				goto dkim_done;
			}
		}
	}
dkim_done:
	/* an intermediary sealed ARC */
	for (size_t i = 0; i < a->nr_arcs; i++) {
		const char *sd = a->arcs[i].seal_domain;
		if (sd && !hdr_same_org(sd, receiver)) {
			add_evidence(d, "ARC set i=%d was sealed by %s, an intermediary", a->arcs[i].instance, sd);
			n++;
			break;
		}
	}
	/* an older hop was handled by neither the sender's nor the receiver's domain */
	for (size_t k = hop ? hop - 1 : 0; k >= 1; k--) {
		const char *by = a->hops[k - 1].rcv.by;
		if (by && strchr(by, '.') && !hdr_same_org(by, mf_domain) && !hdr_same_org(by, receiver) &&
		    (!a->hops[hop - 1].rcv.by || !hdr_same_org(by, a->hops[hop - 1].rcv.by))) {
			add_evidence(d, "hop %zu was received by %s, which is neither the sender's domain (%s) nor the receiver's",
				     k, by, mf_domain);
			n++;
			break;
		}
	}
	for (size_t i = 0; i < a->nr_hints; i++) {
		add_evidence(d, "%s", a->forward_hints[i]);
		n++;
	}
	return n;
}

/* diag_spf_one - SPF fail at one hop: SRS missing, or a plain SPF failure */
static void diag_spf_one(struct hdr_analysis *a, size_t hop, const char *authserv, const char *result,
			 const char *mailfrom, const struct ar_result *r)
{
	struct srs_addr s;
	const char *receiver = hop_receiver(a, hop, authserv);
	const char *mf_domain;
	char ip[HDR_IP_MAX];
	bool have_ip;
	struct hdr_diag *d;
	int is_srs;

	if (!mailfrom || !*mailfrom)
		mailfrom = a->rp_addr && *a->rp_addr ? a->rp_addr : NULL;
	if (!mailfrom)
		return;
	hdr_srs_init(&s);
	is_srs = hdr_srs_parse(mailfrom, &s);
	hdr_srs_release(&s);
	if (is_srs != 0)
		return; /* the SRS diagnoses cover it */
	mf_domain = hdr_addr_domain(mailfrom);
	have_ip = connecting_ip(a, hop, r, ip);
	d = add_diag(a, "headers.srs-missing", HDR_SEV_BAD, hop, "%s", "");
	add_evidence(d, "%s saw spf=%s for smtp.mailfrom=%s", receiver, result, mailfrom);
	if (have_ip)
		add_evidence(d, "the connecting IP was %s%s%s", ip,
			     hop && a->hops[hop - 1].rcv.from ? ", host " : "",
			     hop && a->hops[hop - 1].rcv.from ? a->hops[hop - 1].rcv.from : "");
	if (forwarding_evidence(a, hop, mf_domain, receiver, d)) {
		free(d->summary);
		d->summary = xstrfmt("SPF %s at %s: the connecting IP %s is the forwarder's, not %s's, "
				     "and the envelope sender %s was not rewritten: SRS is missing",
				     result, receiver, have_ip ? ip : "(unknown)", mf_domain, mailfrom);
		return;
	}
	d->code = "headers.spf-fail";
	free(d->summary);
	d->summary = xstrfmt("SPF %s at %s for %s from %s, with no sign of forwarding: %s's SPF record "
			     "does not list that sender (if %s is a forwarder, SRS is missing)",
			     result, receiver, mailfrom, have_ip ? ip : "an unknown IP", mf_domain,
			     have_ip ? ip : "it");
}

/* diag_spf - every SPF failure, from Authentication-Results, else Received-SPF */
static void diag_spf(struct hdr_analysis *a)
{
	size_t n = a->nr_ars;

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const struct ar_result *r = &a->ars[i].ar.results[j];
			if (!strcmp(r->method, "spf") && is_spf_fail(r->result))
				diag_spf_one(a, a->ars[i].hop, a->ars[i].ar.authserv_id, r->result,
					     hdr_ar_prop(r, "smtp", "mailfrom"), r);
		}
	}
	for (size_t i = 0; i < a->nr_rspfs; i++) {
		const struct hdr_rspf *h = &a->rspfs[i];
		if (!is_spf_fail(h->spf.result))
			continue;
		if (hdr_find_result(a, h->hop, "spf", NULL))
			continue; /* the same hop's Authentication-Results said it */
		diag_spf_one(a, h->hop, h->spf.receiver, h->spf.result, h->spf.envelope_from, NULL);
	}
}

/* spf_for - the SPF result recorded for an exact envelope sender, NULL if none */
static const struct ar_result *spf_for(const struct hdr_analysis *a, const char *addr, size_t *hop,
				       const char **authserv)
{
	for (size_t i = 0; i < a->nr_ars; i++)
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const struct ar_result *r = &a->ars[i].ar.results[j];
			const char *mf = hdr_ar_prop(r, "smtp", "mailfrom");
			if (!strcmp(r->method, "spf") && mf && !strcasecmp(mf, addr)) {
				*hop = a->ars[i].hop;
				*authserv = a->ars[i].ar.authserv_id;
				return r;
			}
		}
	return NULL;
}

/* diag_srs - one diagnosis per SRS envelope sender, plus hash/age findings */
static void diag_srs(struct hdr_analysis *a)
{
	for (size_t i = 0; i < a->nr_srs; i++) {
		const struct hdr_srs_seen *e = &a->srs[i];
		const struct srs_addr *s = &e->srs;
		const char *fwd = or_dash(s->forwarder_domain);
		const char *authserv = NULL;
		size_t hop = e->hop;
		const struct ar_result *r;
		struct hdr_diag *d;

		if (e->parse <= 0)
			continue;
		r = spf_for(a, e->address, &hop, &authserv);
		if (r && !strcmp(r->result, "pass")) {
			d = add_diag(a, "headers.srs-applied", HDR_SEV_OK, hop,
				     "SRS was applied (%s): the envelope sender was rewritten to %s's domain "
				     "and SPF passes for the forwarder %s", hdr_srs_kind_name(s->kind), fwd, fwd);
		} else if (r && is_spf_fail(r->result)) {
			d = add_diag(a, "headers.srs-applied", HDR_SEV_WARN, hop,
				     "SRS was applied (%s), but SPF %s for the forwarder %s", hdr_srs_kind_name(s->kind),
				     r->result, fwd);
			struct hdr_diag *f = add_diag(a, "headers.srs-spf-fail", HDR_SEV_BAD, hop,
				     "SRS was applied, but SPF %s at %s for the forwarder's domain %s: its SPF record "
				     "does not list the forwarding server", r->result, hop_receiver(a, hop, authserv), fwd);
			add_evidence(f, "smtp.mailfrom=%s", e->address);
			d = &a->diags[a->nr_diags - 2];
		} else {
			d = add_diag(a, "headers.srs-applied", HDR_SEV_INFO, hop,
				     "SRS was applied (%s) by %s; %s", hdr_srs_kind_name(s->kind), fwd,
				     r ? "SPF gave no pass or fail for it" : "no SPF result was recorded for it");
		}
		add_evidence(d, "%s: %s", e->source, e->address);
		if (s->orig_domain)
			add_evidence(d, "original sender: %s@%s", or_dash(s->orig_local), s->orig_domain);
		if (s->first_forwarder)
			add_evidence(d, "first forwarder: %s", s->first_forwarder);
		if (r)
			add_evidence(d, "%s saw spf=%s", hop_receiver(a, hop, authserv), r->result);
		if (s->kind == SRS_EXCHANGE || s->kind == SRS_EXCHANGE_SHORT)
			add_evidence(d, "Exchange Online's +SRS= hash uses Microsoft's secret and cannot be verified");
		if (e->check.hash == SRS_BAD) {
			struct hdr_diag *h = add_diag(a, "headers.srs-hash-bad", HDR_SEV_WARN, hop,
				     "the SRS hash of %s does not match the given secret (forged, or rewritten "
				     "with another secret)", e->address);
			add_evidence(h, "hash %s", or_dash(s->hash));
		}
		if (e->check.age == SRS_BAD)
			add_evidence(add_diag(a, "headers.srs-expired", HDR_SEV_WARN, hop,
				     "the SRS timestamp of %s is %d days old, beyond the maximum age; a bounce "
				     "to it would be refused", e->address, e->check.age_days),
				     "timestamp %s", or_dash(s->timestamp));
	}
}

/* dmarc_policy - "reject", "quarantine", "none" or NULL from a dmarc result */
static char *dmarc_policy(const struct ar_result *r)
{
	const char *c = r->comment;
	const char *v;

	for (const char *p = c; p && *p; p++) {
		if ((p == c || !isalnum((unsigned char)p[-1])) && (p[0] == 'p' || p[0] == 'P') && p[1] == '=') {
			const char *s = p + 2;
			size_t n = 0;
			while (isalpha((unsigned char)s[n]))
				n++;
			if (n)
				return lowercase_ascii(xstrndup(s, n));
		}
	}
	if ((v = hdr_ar_prop(r, "policy", "dmarc")) || (v = hdr_ar_prop(r, "policy", "published-domain-policy")))
		return lowercase_ascii(xstrdup(v));
	if ((v = hdr_ar_prop(r, "", "action"))) {
		char *s = lowercase_ascii(xstrdup(v));
		if (!strcmp(s, "oreject")) {
			free(s);
			return xstrdup("reject");
		}
		if (!strcmp(s, "reject") || !strcmp(s, "quarantine"))
			return s;
		free(s);
	}
	return NULL;
}

/* diag_dmarc - every dmarc=fail, by policy */
static void diag_dmarc(struct hdr_analysis *a)
{
	size_t n = a->nr_ars;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const struct ar_result *r = &a->ars[i].ar.results[j];
			const char *hf, *action;
			char *pol;
			struct hdr_diag *d;
			const char *receiver;

			if (strcmp(r->method, "dmarc") || strcmp(r->result, "fail"))
				continue;
			receiver = hop_receiver(a, a->ars[i].hop, a->ars[i].ar.authserv_id);
			hf = hdr_ar_prop(r, "header", "from");
			if (!hf)
				hf = a->from_domain;
			action = hdr_ar_prop(r, "", "action");
			pol = dmarc_policy(r);
			if (pol && !strcmp(pol, "reject"))
				d = add_diag(a, "headers.dmarc-fail-reject", HDR_SEV_BAD, a->ars[i].hop,
					     "DMARC failed at %s for %s, whose policy is p=reject: the message is "
					     "rejected (or, at a lenient receiver, junked)", receiver, or_dash(hf));
			else if (pol && !strcmp(pol, "quarantine"))
				d = add_diag(a, "headers.dmarc-fail-quarantine", HDR_SEV_BAD, a->ars[i].hop,
					     "DMARC failed at %s for %s, whose policy is p=quarantine: the message "
					     "goes to spam (the article's silent drop)", receiver, or_dash(hf));
			else
				d = add_diag(a, "headers.dmarc-fail", HDR_SEV_WARN, a->ars[i].hop,
					     "DMARC failed at %s for %s (policy %s)", receiver, or_dash(hf),
					     pol ? pol : "unknown");
			add_evidence(d, "dmarc=fail header.from=%s", or_dash(hf));
			if (r->comment)
				add_evidence(d, "comment: %s", r->comment);
			if (action)
				add_evidence(d, "action=%s", action);
			free(pol);
		}
}

/* diag_arc - the ARC chain: present and sound, or broken / failed */
static void diag_arc(struct hdr_analysis *a)
{
	const struct hdr_ar *h = NULL;
	const struct ar_result *r = hdr_find_result(a, (size_t)-1, "arc", &h);
	struct hdr_diag *d;
	char *problems[8];
	size_t np = 0;

	if (!a->nr_arcs && !(r && strcmp(r->result, "none")))
		return;
	for (size_t i = 0; i < a->nr_arcs && np < ARRAY_SIZE(problems) - 1; i++) {
		const struct hdr_arc_set *s = &a->arcs[i];
		const char *want = s->instance == 1 ? "none" : "pass";
		if (s->instance != (int)i + 1)
			problems[np++] = xstrfmt("instance i=%zu is missing", i + 1);
		else if (!s->seal || !s->ams || !s->aar)
			problems[np++] = xstrfmt("set i=%d lacks %s", s->instance,
						 !s->seal ? "ARC-Seal" : !s->ams ? "ARC-Message-Signature"
										: "ARC-Authentication-Results");
		else if (!s->cv || strcmp(s->cv, want))
			problems[np++] = xstrfmt("ARC-Seal i=%d has cv=%s, want cv=%s", s->instance,
						 or_dash(s->cv), want);
	}
	if (r && !strcmp(r->result, "fail") && np < ARRAY_SIZE(problems))
		problems[np++] = xstrfmt("%s says arc=fail", or_dash(h->ar.authserv_id));
	if (np) {
		d = add_diag(a, "headers.arc-invalid", HDR_SEV_BAD, h ? h->hop : 0,
			     "an ARC chain of %zu set(s) is present but invalid: a receiver cannot trust the "
			     "forwarder's record of the original authentication", a->nr_arcs);
	} else {
		d = add_diag(a, "headers.arc-valid", HDR_SEV_OK, h ? h->hop : 0,
			     "an ARC chain of %zu set(s) is present and valid: a receiver that trusts the "
			     "sealers can use the original authentication results", a->nr_arcs);
	}
	for (size_t i = 0; i < np; i++) {
		add_evidence(d, "%s", problems[i]);
		free(problems[i]);
	}
	for (size_t i = 0; i < a->nr_arcs; i++)
		add_evidence(d, "i=%d cv=%s sealed by %s", a->arcs[i].instance, or_dash(a->arcs[i].cv),
			     or_dash(a->arcs[i].seal_domain));
	if (r)
		add_evidence(d, "%s saw arc=%s", or_dash(h->ar.authserv_id), r->result);
	add_evidence(d, "ARC signatures are not verified by this tool; cv= and arc= are the receivers' word");
}

/* diag_compauth - Microsoft composite authentication failures */
static void diag_compauth(struct hdr_analysis *a)
{
	for (size_t i = 0; i < a->nr_ars; i++)
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const struct ar_result *r = &a->ars[i].ar.results[j];
			if (strcmp(r->method, "compauth") || (strcmp(r->result, "fail") && strcmp(r->result, "softfail")))
				continue;
			add_evidence(add_diag(a, "headers.compauth-fail", HDR_SEV_WARN, a->ars[i].hop,
					      "Microsoft composite authentication %s (reason %s): Exchange Online "
					      "treats the sender as unauthenticated", r->result, or_dash(r->reason)),
				     "compauth=%s reason=%s", r->result, or_dash(r->reason));
		}
}

/* diag_alignment - From vs Return-Path organizational domains */
static void diag_alignment(struct hdr_analysis *a)
{
	const char *env = a->rp_domain;
	const char *src = "Return-Path";
	char *of, *oe;
	struct hdr_diag *d;

	if (!env && !a->rp_addr) {
		const struct ar_result *r = hdr_find_result(a, (size_t)-1, "spf", NULL);
		const char *mf = r ? hdr_ar_prop(r, "smtp", "mailfrom") : NULL;
		if (mf) {
			env = hdr_addr_domain(mf);
			src = "smtp.mailfrom";
		}
	}
	if (!env || !a->from_domain || hdr_same_org(env, a->from_domain))
		return;
	of = hdr_org_domain(a->from_domain);
	oe = hdr_org_domain(env);
	d = add_diag(a, "headers.from-returnpath-misaligned", HDR_SEV_WARN, 0,
		     "From (%s) and %s (%s) are in different organizational domains: SPF cannot align "
		     "for DMARC, which then rests on DKIM alone", or_dash(of), src, or_dash(oe));
	add_evidence(d, "From: %s", or_dash(a->from_addr));
	add_evidence(d, "%s: %s", src, src[0] == 'R' ? or_dash(a->rp_addr) : env);
	add_evidence(d, "organizational domains compared: %s vs %s (last two labels, three under a "
		     "known two-level suffix)", or_dash(of), or_dash(oe));
	free(of);
	free(oe);
}

/* diag_all_pass - say so when nothing is wrong and a receiver recorded results */
static void diag_all_pass(struct hdr_analysis *a)
{
	static const char *const methods[] = { "spf", "dkim", "dmarc" };
	const struct hdr_ar *h = a->nr_ars ? &a->ars[0] : NULL;
	struct hdr_diag *d;

	for (size_t i = 0; i < a->nr_diags; i++)
		if (a->diags[i].severity >= HDR_SEV_WARN)
			return;
	if (!h || h->ar.none)
		return;
	d = add_diag(a, "headers.auth-pass", HDR_SEV_OK, h->hop,
		     "no authentication problem: the last receiver (%s) recorded no failure",
		     hop_receiver(a, h->hop, h->ar.authserv_id));
	for (size_t m = 0; m < ARRAY_SIZE(methods); m++) {
		const struct ar_result *r = NULL;
		for (size_t j = 0; j < h->ar.nr && !r; j++)
			if (!strcmp(h->ar.results[j].method, methods[m]))
				r = &h->ar.results[j];
		add_evidence(d, "%s=%s", methods[m], r ? r->result : "(not recorded)");
	}
}

/* hdr_diagnose - run every rule */
void hdr_diagnose(struct hdr_analysis *a)
{
	if (!a->nr_ars && !a->nr_rspfs && !a->nr_arcs)
		add_diag(a, "headers.no-auth-results", HDR_SEV_INFO, 0,
			 "no Authentication-Results, Received-SPF or ARC fields: no receiver recorded "
			 "SPF, DKIM or DMARC results in this header block");
	diag_spf(a);
	diag_srs(a);
	diag_dmarc(a);
	diag_arc(a);
	diag_compauth(a);
	diag_alignment(a);
	diag_all_pass(a);
}
