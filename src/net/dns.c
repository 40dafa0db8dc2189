/*
 * dns.c - the DNS stub resolver of dns.h on c-ares (the resolver curl uses).
 * c-ares builds and parses the DNS messages; this file only decides which
 * queries to send, follows CNAMEs, and sorts answers into found / absent /
 * failed. Queries run concurrently, at most DNS_WINDOW in flight.
 */
#include "net/dns.h"
#include "base/util.h"

#include <ares.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>

#define DNS_WINDOW 128

struct dns_resolver {
	ares_channel ch;
	size_t in_flight;
};

/* one query on its way: the current name after CNAME links */
struct pending {
	struct dns_resolver *r;
	struct dns_query *q;
	char *name;
	int links;
};

static int lib_ready;

const char *dns_type_name(enum dns_type t)
{
	static const char *const names[] = { "A", "AAAA", "MX", "TXT" };
	return names[t];
}

/* dns_server_parse - see dns.h */
int dns_server_parse(const char *spec, char **out, char **err)
{
	char host[64];
	const char *port = NULL;
	unsigned char buf[16];
	size_t n;
	bool v6 = false;

	if (!spec || !*spec)
		goto bad;
	if (spec[0] == '[') {
		const char *close = strchr(spec, ']');
		if (!close || (close[1] && close[1] != ':'))
			goto bad;
		n = (size_t)(close - spec - 1);
		port = close[1] ? close + 2 : NULL;
		memcpy(host, spec + 1, n < sizeof(host) ? n : 0);
		v6 = true;
	} else {
		const char *colon = strchr(spec, ':');
		if (colon && strchr(colon + 1, ':')) { /* bare IPv6, no port */
			n = strlen(spec);
			v6 = true;
		} else {
			n = colon ? (size_t)(colon - spec) : strlen(spec);
			port = colon ? colon + 1 : NULL;
		}
		memcpy(host, spec, n < sizeof(host) ? n : 0);
	}
	if (n == 0 || n >= sizeof(host))
		goto bad;
	host[n] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, buf) != 1)
		goto bad;
	if (port) {
		char *end;
		long p = strtol(port, &end, 10);
		if (!*port || *end || p < 1 || p > 65535)
			goto bad;
	}
	*out = v6 ? xstrfmt("[%s]:%s", host, port ? port : "53")
		  : xstrfmt("%s:%s", host, port ? port : "53");
	return 0;
bad:
	*err = xstrfmt("resolver '%s': want an IP address with an optional port "
		       "(192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)", spec ? spec : "");
	return -1;
}

/* dns_resolver_new - see dns.h */
struct dns_resolver *dns_resolver_new(const char *server, int timeout_ms, char **err)
{
	struct ares_options o = { 0 };
	int mask = ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_FLAGS, rc;
	char *csv = NULL;
	struct dns_resolver *r;

	if (server && dns_server_parse(server, &csv, err))
		return NULL;
	if (!lib_ready && (rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS) {
		*err = xstrfmt("DNS resolver: %s", ares_strerror(rc));
		free(csv);
		return NULL;
	}
	lib_ready = 1;
	o.timeout = timeout_ms > 0 ? timeout_ms : 2000;
	o.tries = 2;
	/* with one named server, report its SERVFAIL/REFUSED as such instead of
	 * "trying the next server" (there is none) */
	o.flags = ARES_FLAG_NOSEARCH | (csv ? ARES_FLAG_NOCHECKRESP : 0);
	r = xcalloc(1, sizeof(*r));
	if ((rc = ares_init_options(&r->ch, &o, mask)) != ARES_SUCCESS ||
	    (csv && (rc = ares_set_servers_ports_csv(r->ch, csv)) != ARES_SUCCESS)) {
		*err = xstrfmt("DNS resolver%s%s: %s", csv ? " " : "", csv ? csv : "",
			       ares_strerror(rc));
		if (rc != ARES_SUCCESS && r->ch)
			ares_destroy(r->ch);
		free(csv);
		free(r);
		return NULL;
	}
	free(csv);
	return r;
}

void dns_resolver_free(struct dns_resolver *r)
{
	if (!r)
		return;
	ares_destroy(r->ch);
	free(r);
}

void dns_answer_release(struct dns_answer *a)
{
	free(a->error);
	free(a->cname);
	for (size_t i = 0; i < a->nr_txt; i++)
		free(a->txt[i]);
	free(a->txt);
	for (size_t i = 0; i < a->nr_mx; i++)
		free(a->mx[i].host);
	free(a->mx);
	memset(a, 0, sizeof(*a));
}

/* fail_text - the short name of a c-ares failure */
static const char *fail_text(int status)
{
	switch (status) {
	case ARES_ESERVFAIL: return "SERVFAIL";
	case ARES_EREFUSED: return "REFUSED";
	case ARES_ETIMEOUT: return "timeout";
	case ARES_ECONNREFUSED: return "no answer from the DNS server (connection refused)";
	case ARES_EFORMERR: return "FORMERR";
	case ARES_ENOTIMP: return "NOTIMP";
	case ARES_EBADRESP: return "malformed answer";
	default: return ares_strerror(status);
	}
}

/* lower_host - host in lower case without a trailing dot (caller frees) */
static char *lower_host(const char *h)
{
	char *s = xstrdup(h);
	size_t n = strlen(s);
	if (n && s[n - 1] == '.')
		s[n - 1] = '\0';
	for (char *p = s; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

static int mx_cmp(const void *a, const void *b)
{
	const struct dns_mx *x = a, *y = b;
	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcmp(x->host, y->host);
}

/* parse_records - the records of q's type in the answer; returns their count,
 * or -1 when the answer cannot be parsed */
static int parse_records(struct dns_query *q, unsigned char *abuf, int alen)
{
	struct dns_answer *a = &q->ans;
	int rc;
	if (q->type == DNS_TXT) {
		struct ares_txt_ext *txt = NULL;
		rc = ares_parse_txt_reply_ext(abuf, alen, &txt);
		for (struct ares_txt_ext *t = txt; rc == ARES_SUCCESS && t; t = t->next) {
			if (t->record_start || !a->nr_txt) {
				a->txt = xreallocarray(a->txt, a->nr_txt + 1, sizeof(*a->txt));
				a->txt[a->nr_txt++] = xstrndup((const char *)t->txt, t->length);
			} else { /* one more character-string of the same record */
				char *prev = a->txt[a->nr_txt - 1];
				a->txt[a->nr_txt - 1] = xstrfmt("%s%.*s", prev, (int)t->length,
								(const char *)t->txt);
				free(prev);
			}
		}
		ares_free_data(txt);
		return rc == ARES_SUCCESS ? (int)a->nr_txt : rc == ARES_ENODATA ? 0 : -1;
	}
	if (q->type == DNS_MX) {
		struct ares_mx_reply *mx = NULL;
		rc = ares_parse_mx_reply(abuf, alen, &mx);
		for (struct ares_mx_reply *m = mx; rc == ARES_SUCCESS && m; m = m->next) {
			a->mx = xreallocarray(a->mx, a->nr_mx + 1, sizeof(*a->mx));
			a->mx[a->nr_mx].pref = m->priority;
			a->mx[a->nr_mx++].host = lower_host(m->host);
		}
		ares_free_data(mx);
		if (a->nr_mx > 1)
			qsort(a->mx, a->nr_mx, sizeof(*a->mx), mx_cmp);
		return rc == ARES_SUCCESS ? (int)a->nr_mx : rc == ARES_ENODATA ? 0 : -1;
	}
	struct hostent *h = NULL;
	rc = q->type == DNS_A ? ares_parse_a_reply(abuf, alen, &h, NULL, NULL)
			      : ares_parse_aaaa_reply(abuf, alen, &h, NULL, NULL);
	size_t n = 0;
	for (char **p = h && rc == ARES_SUCCESS ? h->h_addr_list : NULL; p && *p; p++)
		n++;
	a->nr_addr = n;
	if (h)
		ares_free_hostent(h);
	return rc == ARES_SUCCESS ? (int)n : rc == ARES_ENODATA ? 0 : -1;
}

/* canonical_name - the name the answer's CNAME chain ends at, or NULL when
 * the answer holds no CNAME for name (caller frees). c-ares follows the chain
 * while parsing address answers and reports its end as h_name. */
static char *canonical_name(const char *name, unsigned char *abuf, int alen)
{
	struct hostent *h = NULL;
	char *out = NULL;
	if (ares_parse_a_reply(abuf, alen, &h, NULL, NULL) == ARES_SUCCESS && h && h->h_name &&
	    strcasecmp(h->h_name, name))
		out = lower_host(h->h_name);
	if (h)
		ares_free_hostent(h);
	return out;
}

static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen);

static void send_query(struct pending *p)
{
	static const int types[] = { ns_t_a, ns_t_aaaa, ns_t_mx, ns_t_txt };
	ares_query(p->r->ch, p->name, ns_c_in, types[p->q->type], on_answer, p);
}

/* finish - record the outcome of p and free it */
static void finish(struct pending *p, enum dns_status st, const char *error)
{
	p->q->ans.status = st;
	if (error)
		p->q->ans.error = xstrdup(error);
	p->r->in_flight--;
	free(p->name);
	free(p);
}

/* on_answer - sort one answer into found / absent / failed; follow a CNAME
 * whose target the server did not answer for */
static void on_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct pending *p = arg;
	struct dns_answer *a = &p->q->ans;
	int n;
	if (status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		/* a CNAME to a name that does not exist: keep where it pointed */
		char *cname = abuf ? canonical_name(p->name, abuf, alen) : NULL;
		if (cname) {
			free(a->cname);
			a->cname = cname;
		}
		return finish(p, status == ARES_ENOTFOUND ? DNS_NXDOMAIN : DNS_NODATA, NULL);
	}
	if (status != ARES_SUCCESS)
		return finish(p, DNS_FAIL, fail_text(status));
	if ((n = parse_records(p->q, abuf, alen)) < 0)
		return finish(p, DNS_FAIL, "malformed answer");
	char *cname = canonical_name(p->name, abuf, alen);
	if (cname) {
		free(a->cname);
		a->cname = xstrdup(cname);
	}
	if (n > 0 || !cname) {
		free(cname);
		return finish(p, n > 0 ? DNS_OK : DNS_NODATA, NULL);
	}
	if (++p->links > DNS_MAX_CNAME) {
		free(cname);
		return finish(p, DNS_FAIL, "CNAME chain too long");
	}
	free(p->name);
	p->name = cname;
	send_query(p);
}

/* pump - wait for sockets and let c-ares process them until in_flight <= want */
static void pump(struct dns_resolver *r, size_t want)
{
	while (r->in_flight > want) {
		fd_set rd, wr;
		struct timeval tv, *tvp;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		int nfds = ares_fds(r->ch, &rd, &wr);
		tvp = ares_timeout(r->ch, NULL, &tv);
		select(nfds, &rd, &wr, NULL, tvp);
		ares_process(r->ch, &rd, &wr);
	}
}

/* dns_resolve - see dns.h */
void dns_resolve(struct dns_resolver *r, struct dns_query *q, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct pending *p = xcalloc(1, sizeof(*p));
		memset(&q[i].ans, 0, sizeof(q[i].ans));
		p->r = r;
		p->q = &q[i];
		p->name = xstrdup(q[i].name);
		r->in_flight++;
		send_query(p);
		pump(r, DNS_WINDOW - 1);
	}
	pump(r, 0);
}
