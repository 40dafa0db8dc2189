/*
 * analyze.h - the model of one message's trace for the headers command: the
 * Received chain as hops (oldest first), every Authentication-Results and
 * Received-SPF tied to the hop that wrote it, the ARC sets, the From and
 * Return-Path addresses, every SRS address seen, the diagnoses and the notes.
 *
 * Tying a result to a hop, in this order: its authserv-id equals a hop's "by"
 * host; an IP it names (the SPF comment, smtp.client-ip, Received-SPF
 * client-ip) equals a hop's connecting IP; its authserv-id shares the
 * organizational domain of a hop's "by" host (the newest such hop); else its
 * position (the nearest Received below it, else above it). 'matched_by' says
 * which rule applied.
 *
 * Memory: struct hdr_analysis owns everything in it; hdr_analysis_release frees it.
 */
#ifndef ALIASAUDIT_HEADERS_ANALYZE_H
#define ALIASAUDIT_HEADERS_ANALYZE_H

#include "headers/authres.h"
#include "headers/notes.h"
#include "headers/received.h"
#include "headers/srs.h"

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#define HDR_MAX_HOPS 100
#define HDR_MAX_AUTHRES 100
#define HDR_MAX_ARC 50    /* RFC 8617: at most 50 ARC sets */
#define HDR_MAX_SRS 20

struct hdr_options {
	const char *srs_secret; /* NULL: hashes are not checked (never printed) */
	time_t now;             /* for SRS ages */
	int srs_max_age;        /* days */
};

struct hdr_hop {
	struct received rcv;
	size_t pos;   /* index of the field in the header block */
};

struct hdr_ar {
	struct authres ar;
	size_t pos;
	size_t hop;             /* 1-based hop number, 0 when tied to no hop */
	const char *matched_by; /* "authserv-id", "ip", "org-domain", "position", "none" */
};

struct hdr_rspf {
	struct received_spf spf;
	size_t pos;
	size_t hop;
	const char *matched_by;
};

struct hdr_arc_set {
	int instance;
	bool seal, ams, aar;
	char *cv;          /* ARC-Seal cv=, lowercased; NULL when absent */
	char *seal_domain; /* ARC-Seal d= */
	struct authres aar_res; /* the ARC-Authentication-Results payload */
};

struct hdr_srs_seen {
	char *address;
	const char *source;  /* "Return-Path", "smtp.mailfrom", "Received-SPF envelope-from" */
	size_t hop;          /* where SPF looked at it, 0 if not from a result */
	struct srs_addr srs;
	int parse;           /* 1 parsed, -1 malformed */
	struct srs_check check;
};

enum hdr_severity { HDR_SEV_OK, HDR_SEV_INFO, HDR_SEV_WARN, HDR_SEV_BAD };

struct hdr_diag {
	const char *code;       /* stable: "headers.srs-missing" ... */
	enum hdr_severity severity;
	size_t hop;             /* 0: the message as a whole */
	char *summary;          /* one sentence */
	char **evidence;        /* what the diagnosis rests on */
	size_t nr_evidence, alloc_evidence;
};

struct hdr_analysis {
	size_t nr_fields;
	struct hdr_hop *hops;  /* hops[0] is the oldest (the bottom Received) */
	size_t nr_hops, alloc_hops;
	struct hdr_ar *ars;    /* Authentication-Results, in file order */
	size_t nr_ars, alloc_ars;
	struct hdr_rspf *rspfs;
	size_t nr_rspfs, alloc_rspfs;
	struct hdr_arc_set *arcs; /* by instance, ascending */
	size_t nr_arcs, alloc_arcs;
	struct hdr_srs_seen *srs;
	size_t nr_srs, alloc_srs;
	char *from_addr, *from_domain;
	char *rp_addr, *rp_domain;  /* the newest Return-Path; rp_addr "" for "<>" */
	char *authas;               /* X-MS-Exchange-Organization-AuthAs */
	char **forward_hints;       /* "X-Forwarded-To: ..." style evidence */
	size_t nr_hints, alloc_hints;
	struct hdr_diag *diags;
	size_t nr_diags, alloc_diags;
	bool srs_secret_given;
	struct hdr_notes notes;
};

void hdr_analysis_init(struct hdr_analysis *a);
void hdr_analysis_release(struct hdr_analysis *a);

/* hdr_analyze - read the message in buf[0..len), build the model and the
 * diagnoses into a (inited). Returns 0, or -1 when buf holds no header field
 * at all (a message in 'err', caller frees). */
int hdr_analyze(const char *buf, size_t len, const struct hdr_options *opt,
		struct hdr_analysis *a, char **err);

/* hdr_hop_results - the Authentication-Results tied to hop (1-based; 0 for
 * those tied to none), in file order, through a callback-free index walk:
 * returns the next index >= start whose hop matches, or a->nr_ars */
size_t hdr_next_ar(const struct hdr_analysis *a, size_t hop, size_t start);

/* hdr_find_result - the first result of method at hop (any hop when hop is
 * (size_t)-1), newest field first; NULL if none. *ar_out gets its field. */
const struct ar_result *hdr_find_result(const struct hdr_analysis *a, size_t hop,
					const char *method, const struct hdr_ar **ar_out);

/* hdr_severity_name - "ok", "info", "warn", "bad" */
const char *hdr_severity_name(enum hdr_severity s);

#endif
