/*
 * analyze.c - builds the trace model of a message (see analyze.h): reads the
 * header block, parses the fields the headers command cares about, ties
 * results to hops, collects ARC sets and SRS addresses, then runs the
 * diagnoses (diagnose.c).
 */
#include "headers/analyze.h"
#include "headers/address.h"
#include "headers/diagnose.h"
#include "headers/message.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Fields whose presence says the message was forwarded or resent. */
static const char *const forward_fields[] = {
	"X-Forwarded-To", "X-Forwarded-For", "X-MS-Exchange-Organization-AutoForwarded",
	"X-MS-Exchange-ForwardingLoop", "Resent-From", "Resent-Sender", "X-Resent-From",
};

/* hdr_analysis_init - an empty model */
void hdr_analysis_init(struct hdr_analysis *a)
{
	memset(a, 0, sizeof(*a));
	hdr_notes_init(&a->notes);
}

/* hdr_analysis_release - free the model and re-init */
void hdr_analysis_release(struct hdr_analysis *a)
{
	for (size_t i = 0; i < a->nr_hops; i++)
		hdr_received_release(&a->hops[i].rcv);
	free(a->hops);
	for (size_t i = 0; i < a->nr_ars; i++)
		hdr_authres_release(&a->ars[i].ar);
	free(a->ars);
	for (size_t i = 0; i < a->nr_rspfs; i++)
		hdr_received_spf_release(&a->rspfs[i].spf);
	free(a->rspfs);
	for (size_t i = 0; i < a->nr_arcs; i++) {
		free(a->arcs[i].cv);
		free(a->arcs[i].seal_domain);
		hdr_authres_release(&a->arcs[i].aar_res);
	}
	free(a->arcs);
	for (size_t i = 0; i < a->nr_srs; i++) {
		free(a->srs[i].address);
		hdr_srs_release(&a->srs[i].srs);
	}
	free(a->srs);
	free(a->from_addr);
	free(a->from_domain);
	free(a->rp_addr);
	free(a->rp_domain);
	free(a->authas);
	for (size_t i = 0; i < a->nr_hints; i++)
		free(a->forward_hints[i]);
	free(a->forward_hints);
	for (size_t i = 0; i < a->nr_diags; i++) {
		free(a->diags[i].summary);
		for (size_t j = 0; j < a->diags[i].nr_evidence; j++)
			free(a->diags[i].evidence[j]);
		free(a->diags[i].evidence);
	}
	free(a->diags);
	hdr_notes_release(&a->notes);
	hdr_analysis_init(a);
}

/* hdr_severity_name - stable severity names */
const char *hdr_severity_name(enum hdr_severity s)
{
	switch (s) {
	case HDR_SEV_OK: return "ok";
	case HDR_SEV_INFO: return "info";
	case HDR_SEV_WARN: return "warn";
	default: return "bad";
	}
}

/* hdr_next_ar - next Authentication-Results index >= start tied to hop */
size_t hdr_next_ar(const struct hdr_analysis *a, size_t hop, size_t start)
{
	for (size_t i = start; i < a->nr_ars; i++)
		if (a->ars[i].hop == hop)
			return i;
	return a->nr_ars;
}

/* hdr_find_result - first result of method at hop, newest field first */
const struct ar_result *hdr_find_result(const struct hdr_analysis *a, size_t hop,
					const char *method, const struct hdr_ar **ar_out)
{
	for (size_t i = 0; i < a->nr_ars; i++) {
		const struct hdr_ar *h = &a->ars[i];
		if (hop != (size_t)-1 && h->hop != hop)
			continue;
		for (size_t j = 0; j < h->ar.nr; j++) {
			if (!strcmp(h->ar.results[j].method, method)) {
				if (ar_out)
					*ar_out = h;
				return &h->ar.results[j];
			}
		}
	}
	return NULL;
}

/* pos_distance - distance between two field positions */
static size_t pos_distance(size_t a, size_t b)
{
	return a > b ? a - b : b - a;
}

/* nearest_hop - 1-based hop nearest to pos among those where match(hop) holds, 0 if none */
static size_t nearest_hop(const struct hdr_analysis *a, size_t pos,
			  bool (*match)(const struct hdr_hop *, const void *), const void *arg)
{
	size_t best = 0, best_d = (size_t)-1;

	for (size_t i = 0; i < a->nr_hops; i++) {
		size_t d = pos_distance(a->hops[i].pos, pos);
		if (match(&a->hops[i], arg) && d < best_d) {
			best = i + 1;
			best_d = d;
		}
	}
	return best;
}

/* by_is - the hop's "by" host equals arg */
static bool by_is(const struct hdr_hop *h, const void *arg)
{
	return h->rcv.by && !strcasecmp(h->rcv.by, (const char *)arg);
}

/* by_same_org - the hop's "by" host shares arg's organizational domain */
static bool by_same_org(const struct hdr_hop *h, const void *arg)
{
	return h->rcv.by && hdr_same_org(h->rcv.by, (const char *)arg);
}

/* from_ip_is - the hop's connecting IP equals arg */
static bool from_ip_is(const struct hdr_hop *h, const void *arg)
{
	return h->rcv.from_ip[0] && !strcasecmp(h->rcv.from_ip, (const char *)arg);
}

/* by_position - the hop nearest below pos (older), else nearest above; 0 if no hop */
static size_t by_position(const struct hdr_analysis *a, size_t pos)
{
	size_t best = 0, best_pos = (size_t)-1;

	for (size_t i = 0; i < a->nr_hops; i++)
		if (a->hops[i].pos > pos && a->hops[i].pos < best_pos) {
			best = i + 1;
			best_pos = a->hops[i].pos;
		}
	if (best)
		return best;
	best_pos = 0;
	for (size_t i = 0; i < a->nr_hops; i++)
		if (a->hops[i].pos < pos && a->hops[i].pos >= best_pos) {
			best = i + 1;
			best_pos = a->hops[i].pos;
		}
	return best;
}

/* result_ip - an IP named by an Authentication-Results field, into out */
static bool result_ip(const struct authres *ar, char *out)
{
	for (size_t i = 0; i < ar->nr; i++) {
		const struct ar_result *r = &ar->results[i];
		const char *v;
		if ((v = hdr_ar_prop(r, "smtp", "client-ip")) && hdr_ip_valid(v, strlen(v), out))
			return true;
		if ((v = hdr_ar_prop(r, "smtp", "remote-ip")) && hdr_ip_valid(v, strlen(v), out))
			return true;
		if ((v = hdr_ar_prop(r, "policy", "iprev")) && hdr_ip_valid(v, strlen(v), out))
			return true;
		if (!strcmp(r->method, "spf") && r->comment && hdr_ip_find(r->comment, out))
			return true;
	}
	return false;
}

/* tie_ar - tie one Authentication-Results to a hop */
static void tie_ar(const struct hdr_analysis *a, struct hdr_ar *h)
{
	char ip[HDR_IP_MAX];
	const char *id = h->ar.authserv_id;

	h->matched_by = "none";
	if (!a->nr_hops)
		return;
	if (id && (h->hop = nearest_hop(a, h->pos, by_is, id))) {
		h->matched_by = "authserv-id";
	} else if (result_ip(&h->ar, ip) && (h->hop = nearest_hop(a, h->pos, from_ip_is, ip))) {
		h->matched_by = "ip";
	} else if (id && (h->hop = nearest_hop(a, h->pos, by_same_org, id))) {
		h->matched_by = "org-domain";
	} else if ((h->hop = by_position(a, h->pos))) {
		h->matched_by = "position";
	}
}

/* tie_rspf - tie one Received-SPF to a hop */
static void tie_rspf(const struct hdr_analysis *a, struct hdr_rspf *h)
{
	char ip[HDR_IP_MAX];
	const struct received_spf *s = &h->spf;

	h->matched_by = "none";
	if (!a->nr_hops)
		return;
	if (s->client_ip && hdr_ip_valid(s->client_ip, strlen(s->client_ip), ip) &&
	    (h->hop = nearest_hop(a, h->pos, from_ip_is, ip))) {
		h->matched_by = "ip";
	} else if (s->receiver && (h->hop = nearest_hop(a, h->pos, by_is, s->receiver))) {
		h->matched_by = "receiver";
	} else if ((h->hop = by_position(a, h->pos))) {
		h->matched_by = "position";
	}
}

/* arc_set - the set for instance i (created in order), NULL when out of range */
static struct hdr_arc_set *arc_set(struct hdr_analysis *a, int i, const char *field)
{
	size_t k;

	if (i < 1 || i > HDR_MAX_ARC) {
		hdr_notes_add(&a->notes, "%s: instance i=%d is outside 1..%d; ignored", field, i, HDR_MAX_ARC);
		return NULL;
	}
	for (k = 0; k < a->nr_arcs; k++)
		if (a->arcs[k].instance == i)
			return &a->arcs[k];
	ALLOC_GROW(a->arcs, a->nr_arcs + 1, a->alloc_arcs);
	for (k = a->nr_arcs; k > 0 && a->arcs[k - 1].instance > i; k--)
		;
	memmove(a->arcs + k + 1, a->arcs + k, (a->nr_arcs - k) * sizeof(*a->arcs));
	memset(&a->arcs[k], 0, sizeof(a->arcs[k]));
	a->arcs[k].instance = i;
	a->nr_arcs++;
	return &a->arcs[k];
}

/* tag_instance - the i= of an ARC tag list, -1 if absent or not a number */
static int tag_instance(const char *value)
{
	char *v = hdr_tag_value(value, "i");
	char *end;
	long i;

	if (!v)
		return -1;
	i = strtol(v, &end, 10);
	if (end == v || *end || i < 0 || i > 1000000)
		i = -1;
	free(v);
	return (int)i;
}

/* add_srs - remember an SRS address once (first source wins) */
static void add_srs(struct hdr_analysis *a, const char *addr, const char *source, size_t hop,
		    const struct hdr_options *opt)
{
	struct srs_addr s;
	int rc;

	if (!addr || !*addr)
		return;
	for (size_t i = 0; i < a->nr_srs; i++)
		if (!strcasecmp(a->srs[i].address, addr)) {
			if (!a->srs[i].hop)
				a->srs[i].hop = hop;
			return;
		}
	hdr_srs_init(&s);
	rc = hdr_srs_parse(addr, &s);
	if (rc == 0) {
		hdr_srs_release(&s);
		return;
	}
	if (a->nr_srs >= HDR_MAX_SRS) {
		hdr_srs_release(&s);
		return;
	}
	ALLOC_GROW(a->srs, a->nr_srs + 1, a->alloc_srs);
	a->srs[a->nr_srs].address = xstrdup(addr);
	a->srs[a->nr_srs].source = source;
	a->srs[a->nr_srs].hop = hop;
	a->srs[a->nr_srs].srs = s;
	a->srs[a->nr_srs].parse = rc;
	if (rc > 0)
		hdr_srs_verify(&s, opt->srs_secret, opt->now, opt->srs_max_age, &a->srs[a->nr_srs].check);
	else
		a->srs[a->nr_srs].check.age_days = -1;
	a->nr_srs++;
	if (rc < 0) {
		char *sn = hdr_snip(addr, strlen(addr));
		hdr_notes_add(&a->notes, "%s '%s' looks like %s but could not be split into its parts",
			      source, sn, hdr_srs_kind_name(s.kind));
		free(sn);
	}
}

/* read_authres - an Authentication-Results field (at most HDR_MAX_AUTHRES;
 * *capped: the rest were noted as ignored) */
static void read_authres(struct hdr_analysis *a, const struct hdr_field *f, size_t pos, bool *capped)
{
	struct hdr_ar h = { .pos = pos };
	if (a->nr_ars >= HDR_MAX_AUTHRES) {
		if (!*capped)
			hdr_notes_add(&a->notes, "more than %d Authentication-Results fields; the rest were ignored",
				      HDR_MAX_AUTHRES);
		*capped = true;
		return;
	}
	hdr_authres_init(&h.ar);
	if (hdr_authres_parse(&h.ar, f->value, "Authentication-Results", &a->notes) < 0) {
		hdr_authres_release(&h.ar);
		return;
	}
	ALLOC_GROW(a->ars, a->nr_ars + 1, a->alloc_ars);
	a->ars[a->nr_ars++] = h;
}

/* read_received_spf - a Received-SPF field (at most HDR_MAX_AUTHRES) */
static void read_received_spf(struct hdr_analysis *a, const struct hdr_field *f, size_t pos)
{
	struct hdr_rspf h = { .pos = pos };
	if (a->nr_rspfs >= HDR_MAX_AUTHRES)
		return;
	hdr_received_spf_init(&h.spf);
	if (hdr_received_spf_parse(&h.spf, f->value, &a->notes) < 0) {
		hdr_received_spf_release(&h.spf);
		return;
	}
	ALLOC_GROW(a->rspfs, a->nr_rspfs + 1, a->alloc_rspfs);
	a->rspfs[a->nr_rspfs++] = h;
}

/* read_arc - an ARC-Seal, ARC-Message-Signature or ARC-Authentication-Results
 * field into its set; false when f is none of them */
static bool read_arc(struct hdr_analysis *a, const struct hdr_field *f)
{
	if (hdr_field_is(f, "ARC-Seal")) {
		struct hdr_arc_set *s = arc_set(a, tag_instance(f->value), "ARC-Seal");
		if (s && !s->seal) {
			s->seal = true;
			s->cv = hdr_tag_value(f->value, "cv");
			if (s->cv)
				lowercase_ascii(s->cv);
			s->seal_domain = hdr_tag_value(f->value, "d");
		}
	} else if (hdr_field_is(f, "ARC-Message-Signature")) {
		struct hdr_arc_set *s = arc_set(a, tag_instance(f->value), "ARC-Message-Signature");
		if (s)
			s->ams = true;
	} else if (hdr_field_is(f, "ARC-Authentication-Results")) {
		struct hdr_arc_set *s;
		struct authres ar;
		hdr_authres_init(&ar);
		if (hdr_arc_authres_parse(&ar, f->value, &a->notes) < 0 && ar.instance == 0) {
			hdr_authres_release(&ar);
			return true;
		}
		s = arc_set(a, ar.instance, "ARC-Authentication-Results");
		if (s && !s->aar) {
			s->aar = true;
			s->aar_res = ar;
		} else {
			hdr_authres_release(&ar);
		}
	} else {
		return false;
	}
	return true;
}

/* read_return_path - the first Return-Path: the envelope sender */
static void read_return_path(struct hdr_analysis *a, const struct hdr_field *f)
{
	if (a->rp_addr)
		return;
	a->rp_addr = hdr_addr_extract(f->value);
	if (!a->rp_addr) {
		char *sn = hdr_snip(f->value, strlen(f->value));
		hdr_notes_add(&a->notes, "Return-Path: no address in '%s'", sn);
		free(sn);
	} else if (*a->rp_addr) {
		a->rp_domain = xstrdup(hdr_addr_domain(a->rp_addr));
	}
}

/* read_from - the first From (a second one is noted) */
static void read_from(struct hdr_analysis *a, const struct hdr_field *f)
{
	if (a->from_addr) {
		hdr_notes_add(&a->notes, "line %zu: a second From field; the first was used", f->line);
		return;
	}
	a->from_addr = hdr_addr_extract(f->value);
	if (a->from_addr && strchr(a->from_addr, '@')) {
		a->from_domain = xstrdup(hdr_addr_domain(a->from_addr));
	} else {
		char *sn = hdr_snip(f->value, strlen(f->value));
		hdr_notes_add(&a->notes, "From: no address with a domain in '%s'", sn);
		free(sn);
	}
}

/* read_forward_hint - a field forwarders add (forward_fields), up to 10 */
static void read_forward_hint(struct hdr_analysis *a, const struct hdr_field *f)
{
	for (size_t k = 0; k < ARRAY_SIZE(forward_fields); k++) {
		if (hdr_field_is(f, forward_fields[k]) && a->nr_hints < 10) {
			char *sn = hdr_snip(f->value, strlen(f->value));
			ALLOC_GROW(a->forward_hints, a->nr_hints + 1, a->alloc_hints);
			a->forward_hints[a->nr_hints++] = xstrfmt("%s: %s", forward_fields[k], sn);
			free(sn);
		}
	}
}

/* alloc_hops - room for the newest HDR_MAX_HOPS Received fields; their number */
static size_t alloc_hops(struct hdr_analysis *a, const struct hdr_block *hb)
{
	size_t nr_rcv = 0;
	for (size_t i = 0; i < hb->nr; i++)
		nr_rcv += hdr_field_is(&hb->fields[i], "Received");
	if (nr_rcv > HDR_MAX_HOPS) {
		hdr_notes_add(&a->notes, "%zu Received fields; only the newest %d were read", nr_rcv, HDR_MAX_HOPS);
		nr_rcv = HDR_MAX_HOPS;
	}
	a->hops = xcalloc(nr_rcv ? nr_rcv : 1, sizeof(*a->hops));
	a->alloc_hops = nr_rcv;
	return nr_rcv;
}

/* read_fields - the first pass: parse every field of interest */
static void read_fields(struct hdr_analysis *a, const struct hdr_block *hb)
{
	size_t nr_rcv = alloc_hops(a, hb);
	bool ar_capped = false;

	for (size_t i = 0; i < hb->nr; i++) {
		const struct hdr_field *f = &hb->fields[i];

		if (hdr_field_is(f, "Received")) {
			/* file order is newest first: fill hops from the end */
			if (a->nr_hops < nr_rcv) {
				struct hdr_hop *h = &a->hops[nr_rcv - 1 - a->nr_hops];
				hdr_received_init(&h->rcv);
				hdr_received_parse(&h->rcv, f->value);
				h->pos = i;
				a->nr_hops++;
			}
		} else if (hdr_field_is(f, "Authentication-Results")) {
			read_authres(a, f, i, &ar_capped);
		} else if (hdr_field_is(f, "Received-SPF")) {
			read_received_spf(a, f, i);
		} else if (read_arc(a, f)) {
			continue;
		} else if (hdr_field_is(f, "Return-Path")) {
			read_return_path(a, f);
		} else if (hdr_field_is(f, "From")) {
			read_from(a, f);
		} else if (hdr_field_is(f, "X-MS-Exchange-Organization-AuthAs")) {
			if (!a->authas)
				a->authas = xstrdup(f->value);
		} else {
			read_forward_hint(a, f);
		}
	}
}

/* collect_srs - every SRS address the envelope sender took */
static void collect_srs(struct hdr_analysis *a, const struct hdr_options *opt)
{
	for (size_t i = 0; i < a->nr_ars; i++)
		for (size_t j = 0; j < a->ars[i].ar.nr; j++) {
			const struct ar_result *r = &a->ars[i].ar.results[j];
			if (!strcmp(r->method, "spf"))
				add_srs(a, hdr_ar_prop(r, "smtp", "mailfrom"), "smtp.mailfrom", a->ars[i].hop, opt);
		}
	for (size_t i = 0; i < a->nr_rspfs; i++)
		add_srs(a, a->rspfs[i].spf.envelope_from, "Received-SPF envelope-from", a->rspfs[i].hop, opt);
	add_srs(a, a->rp_addr, "Return-Path", 0, opt);
}

/* hdr_analyze - see analyze.h */
int hdr_analyze(const char *buf, size_t len, const struct hdr_options *opt,
		struct hdr_analysis *a, char **err)
{
	struct hdr_block hb;

	hdr_block_init(&hb);
	a->nr_fields = hdr_block_parse(&hb, buf, len, &a->notes);
	if (!a->nr_fields) {
		hdr_block_release(&hb);
		*err = xstrdup("no RFC 5322 header fields found");
		return -1;
	}
	a->srs_secret_given = opt->srs_secret != NULL;
	read_fields(a, &hb);
	hdr_block_release(&hb);
	for (size_t i = 0; i < a->nr_ars; i++)
		tie_ar(a, &a->ars[i]);
	for (size_t i = 0; i < a->nr_rspfs; i++)
		tie_rspf(a, &a->rspfs[i]);
	collect_srs(a, opt);
	hdr_diagnose(a);
	return 0;
}
