/*
 * probe.h - the recipient probe shared by `aliasaudit probe` and
 * `aliasaudit audit --probe`: which server to ask (--server HOST[:PORT] or
 * each domain's MX), politeness (a bounded number of RCPTs per connection, a
 * pause between connections, a timeout), and what the audit predicted for
 * each address (refused: a ghost or an unknown address of an owned domain;
 * accepted: an address that resolves to a recipient).
 */
#ifndef ALIASAUDIT_PROBE_H
#define ALIASAUDIT_PROBE_H

#include "core/finding.h"
#include "core/graph.h"
#include "net/smtp_probe.h"

#include <stdbool.h>
#include <stddef.h>

/* politeness limits (named; options can lower or raise them) */
#define PROBE_MAX_RCPT 10          /* RCPTs per connection: Postfix's smtpd_soft_error_limit is 10 */
#define PROBE_PAUSE_MS 1000L       /* between two connections to one server */
#define PROBE_TIMEOUT_MS 30000L    /* connect and each reply */
#define PROBE_MAX_ADDRESSES 1000   /* addresses in one run */

struct probe_opts {
	const char *server;       /* "HOST[:PORT]"; NULL with use_mx */
	bool use_mx;
	const char *resolver;     /* --mx: the DNS server to ask; NULL: resolv.conf */
	const char *mx_port;      /* --mx: the SMTP port (default 25) */
	const char *from, *helo, *ca_file;
	unsigned max_rcpt;        /* per connection */
	long pause_ms, timeout_ms;
	bool require_tls;
};

enum probe_prediction { PREDICT_NONE, PREDICT_REFUSED, PREDICT_ACCEPTED };
enum probe_verdict { VERDICT_NONE, VERDICT_MATCH, VERDICT_DIFFERS, VERDICT_TEMPORARY };

struct probe_item {
	const char *address;          /* borrowed */
	char *server;                 /* "host:port" asked */
	bool answered, tls;
	struct smtp_reply reply;
	char *error;                  /* why it was not answered */
	enum probe_prediction prediction;
	const char *why;              /* the prediction's reason (static) */
	enum probe_verdict verdict;
};

/* probe_parse_server - "HOST[:PORT]" / "[IPv6]:PORT" into host and port
 * (default 25; caller frees); 0 or -1 */
int probe_parse_server(const char *spec, char **host, char **port);
/* probe_run - ask the server(s) about items[0..n); never fails as a whole:
 * per-address errors are in items[i].error */
void probe_run(const struct probe_opts *o, struct probe_item *items, size_t n);
/* probe_predict - fill each item's prediction from the routing graph g */
void probe_predict(const struct route_graph *g, struct probe_item *items, size_t n);
/* probe_judge - compare replies with predictions (item.verdict) */
void probe_judge(struct probe_item *items, size_t n);
/* probe_findings - probe the target of every route.ghost finding of fl and
 * record the answer in the finding's evidence: "probe": {"address",
 * "server", "reply" or "error", "confirmed", "result": "confirmed by the
 * server" (refused with 5xx) or "not confirmed"} */
void probe_findings(const struct probe_opts *o, struct finding_list *fl);
void probe_items_release(struct probe_item *items, size_t n);
const char *probe_prediction_name(enum probe_prediction p);
const char *probe_verdict_name(enum probe_verdict v);

#endif
