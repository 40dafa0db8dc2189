/*
 * test_headers_msg.c - the header block reader (folding, CRLF, repeats, the
 * blank line, caps), addresses and organizational domains, Received parsing,
 * and whole-message diagnoses on small inline messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "headers/address.h"
#include "headers/analyze.h"
#include "headers/message.h"
#include "headers/received.h"
#include "base/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* test_block - unfolding, CRLF, repeated fields, end at the blank line */
static void test_block(void **state)
{
	static const char msg[] = "From foo@bar Thu Apr 29 23:34:45 2015\n"
				  "Received: from a\r\n\tby b; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
				  "Received: from c by d; date2\r\n"
				  "Subject :  folded\r\n   subject  \r\n"
				  "\r\n"
				  "Not-A-Header: body\r\n";
	struct hdr_block hb;
	struct hdr_notes notes;

	(void)state;
	hdr_block_init(&hb);
	hdr_notes_init(&notes);
	assert_int_equal(hdr_block_parse(&hb, msg, strlen(msg), &notes), 3);
	assert_true(hb.saw_end);
	assert_string_equal(hb.fields[0].name, "Received");
	assert_string_equal(hb.fields[0].value, "from a by b; Mon, 1 Jan 2024 00:00:00 +0000");
	assert_string_equal(hb.fields[1].value, "from c by d; date2");
	assert_string_equal(hb.fields[2].name, "Subject");
	assert_string_equal(hb.fields[2].value, "folded   subject");
	assert_int_equal(hb.fields[2].line, 5);
	assert_int_equal(notes.nr, 1); /* the mbox From_ line */
	hdr_block_release(&hb);
	hdr_notes_release(&notes);
}

/* test_block_garbage - garbage lines, control bytes, bad UTF-8 */
static void test_block_garbage(void **state)
{
	static const char msg[] = "  orphan continuation\n"
				  "no colon here\n"
				  "\tcontinuation of garbage\n"
				  "X-Bin: a\x01" "b\xff" "c\xc3\xa9\n"
				  "Bad Name: x\n";
	struct hdr_block hb;
	struct hdr_notes notes;

	(void)state;
	hdr_block_init(&hb);
	hdr_notes_init(&notes);
	assert_int_equal(hdr_block_parse(&hb, msg, sizeof(msg) - 1, &notes), 1);
	assert_string_equal(hb.fields[0].value, "a?b?c\xc3\xa9");
	assert_false(hb.saw_end);
	assert_int_equal(notes.nr, 3); /* orphan, no colon, bad name; not the garbage's continuation */
	hdr_block_release(&hb);
	hdr_notes_release(&notes);
}

/* test_block_caps - field length, field count and block size caps are noted */
static void test_block_caps(void **state)
{
	size_t big = HDR_MAX_BLOCK + 100;
	char *buf = xmalloc(big);
	struct hdr_block hb;
	struct hdr_notes notes;
	size_t n = 0;

	(void)state;
	/* one field longer than HDR_MAX_FIELD_LEN through folding */
	n += (size_t)snprintf(buf, big, "X-Long: a");
	while (n < 2 * HDR_MAX_FIELD_LEN)
		n += (size_t)snprintf(buf + n, big - n, "\n aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	/* then many small fields until past the block cap */
	while (n + 20 < big)
		n += (size_t)snprintf(buf + n, big - n, "\nX-A: b");
	hdr_block_init(&hb);
	hdr_notes_init(&notes);
	assert_int_equal(hdr_block_parse(&hb, buf, n, &notes), HDR_MAX_FIELDS);
	assert_true(hb.capped);
	assert_true(strlen(hb.fields[0].value) <= HDR_MAX_FIELD_LEN);
	printf("notes: %zu\n", notes.nr);
	for (size_t i = 0; i < notes.nr; i++)
		printf("  %s\n", notes.items[i]);
	assert_int_equal(notes.nr, 3); /* block size, field length, field count */
	hdr_block_release(&hb);
	hdr_notes_release(&notes);
	free(buf);
}

struct addr_case {
	const char *value, *addr, *org;
};

static const struct addr_case addr_cases[] = {
	{ "Alice <alice@Mail.Bank.example>", "alice@Mail.Bank.example", "bank.example" },
	{ "\"Doe, <John>\" <j@x.co.uk>", "j@x.co.uk", "x.co.uk" },
	{ "a@b.shop.example.com.au (Alice)", "a@b.shop.example.com.au", "example.com.au" },
	{ "<>", "", NULL },
	{ "postmaster@example.onmicrosoft.com (postmaster@example.onmicrosoft.com)",
	  "postmaster@example.onmicrosoft.com", "onmicrosoft.com" },
	{ "undisclosed-recipients:;", NULL, NULL },
};

/* test_addresses - addr-spec extraction and organizational domains */
static void test_addresses(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]); i++) {
		const struct addr_case *c = &addr_cases[i];
		char *a = hdr_addr_extract(c->value);
		char *o = a ? hdr_org_domain(*a ? hdr_addr_domain(a) : NULL) : NULL;
		printf("%s -> %s (%s), want %s (%s)\n", c->value, a ? a : "(null)", o ? o : "(null)",
		       c->addr ? c->addr : "(null)", c->org ? c->org : "(null)");
		if (c->addr) {
			assert_non_null(a);
			assert_string_equal(a, c->addr);
		} else {
			assert_null(a);
		}
		if (c->org) {
			assert_non_null(o);
			assert_string_equal(o, c->org);
		}
		free(a);
		free(o);
	}
	assert_true(hdr_same_org("mx.forwarder.example", "FORWARDER.example."));
	assert_false(hdr_same_org("a.co.uk", "b.co.uk"));
	assert_false(hdr_same_org(NULL, "b.example"));
}

struct rcv_case {
	const char *value, *from, *ip, *by, *with, *id, *for_addr, *date;
};

static const struct rcv_case rcv_cases[] = {
	{ "from mail.bank.example (mail.bank.example [203.0.113.5]) by mx.fwd.example (Postfix) with ESMTPS "
	  "id 4ABC for <contact@fwd.example>; Wed, 25 Nov 2026 18:20:09 +0100 (CET)",
	  "mail.bank.example", "203.0.113.5", "mx.fwd.example", "ESMTPS", "4ABC", "contact@fwd.example",
	  "Wed, 25 Nov 2026 18:20:09 +0100 (CET)" },
	{ "from NYANKO.example.prod.outlook.com (192.0.2.22) by NEKOCHAN.example.prod.outlook.com (192.0.2.222) "
	  "with Microsoft SMTP Server (TLS) id 15.0.918.8; Thu, 29 Apr 2015 23:34:45 +0900",
	  "NYANKO.example.prod.outlook.com", "192.0.2.22", "NEKOCHAN.example.prod.outlook.com",
	  "Microsoft SMTP Server", "15.0.918.8", NULL, "Thu, 29 Apr 2015 23:34:45 +0900" },
	{ "from [IPv6:2001:db8::1] (helo) by mx.example; Mon, 1 Jan 2024 00:00:00 +0000", "[IPv6:2001:db8::1]",
	  "2001:db8::1", "mx.example", NULL, NULL, NULL, "Mon, 1 Jan 2024 00:00:00 +0000" },
	{ "by 2002:a05:6a10:8e0a::1234 with SMTP id x10csp; Wed, 25 Nov 2026", NULL, "", "2002:a05:6a10:8e0a::1234",
	  "SMTP", "x10csp", NULL, "Wed, 25 Nov 2026" },
	{ "garbage (unterminated", NULL, "", NULL, NULL, NULL, NULL, NULL },
};

/* check_opt - compare an optional string */
static void check_opt(const char *what, const char *got, const char *want)
{
	printf("  %s: got %s, want %s\n", what, got ? got : "(null)", want ? want : "(null)");
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

/* test_received - the Received clause table */
static void test_received(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rcv_cases) / sizeof(rcv_cases[0]); i++) {
		const struct rcv_case *c = &rcv_cases[i];
		struct received r;
		hdr_received_init(&r);
		hdr_received_parse(&r, c->value);
		printf("%s\n", c->value);
		check_opt("from", r.from, c->from);
		check_opt("ip", r.from_ip, c->ip);
		check_opt("by", r.by, c->by);
		check_opt("with", r.with, c->with);
		check_opt("id", r.id, c->id);
		check_opt("for", r.for_addr, c->for_addr);
		check_opt("date", r.date, c->date);
		hdr_received_release(&r);
	}
}

struct diag_case {
	const char *name;
	const char *msg;
	const char *codes; /* space-separated, in order */
};

static const struct diag_case diag_cases[] = {
	{ "forwarded without SRS",
	  "Received: from mx.fwd.example (mx.fwd.example [192.0.2.1]) by mx.google.com; d2\n"
	  "Authentication-Results: mx.google.com; spf=softfail (google.com: domain of transitioning "
	  "alice@bank.example does not designate 192.0.2.1 as permitted sender) smtp.mailfrom=alice@bank.example;\n"
	  " dmarc=fail action=quarantine header.from=bank.example\n"
	  "Authentication-Results: mx.fwd.example; spf=pass smtp.mailfrom=alice@bank.example\n"
	  "Received: from mail.bank.example ([203.0.113.5]) by mx.fwd.example; d1\n"
	  "Return-Path: <alice@bank.example>\nFrom: alice@bank.example\n",
	  "headers.srs-missing headers.dmarc-fail-quarantine" },
	{ "SPF fail straight from the sender",
	  "Received: from mail.bank.example ([203.0.113.5]) by mx.google.com; d1\n"
	  "Authentication-Results: mx.google.com; spf=fail smtp.mailfrom=alice@bank.example\n"
	  "From: alice@bank.example\n",
	  "headers.spf-fail" },
	{ "the article's pasted header alone, DKIM still passing",
	  "Authentication-Results: mx.google.com; spf=softfail (google.com: domain of transition does not designate "
	  "192.0.2.1 as permitted sender) smtp.mailfrom=alice@bank.com; dkim=pass header.d=bank.com;"
	  " dmarc=fail action=quarantine header.from=bank.com;\n",
	  "headers.srs-missing headers.dmarc-fail-quarantine" },
	{ "SRS applied, SPF passes",
	  "Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=SRS0=HHH=JP=bank.com=alice@yourdomain.com\n"
	  "From: alice@bank.com\n",
	  "headers.srs-applied headers.from-returnpath-misaligned" },
	{ "SRS applied, SPF fails for the forwarder",
	  "Authentication-Results: mx.google.com; spf=fail smtp.mailfrom=SRS0=HHH=JP=bank.com=alice@yourdomain.com\n"
	  "From: alice@bank.com\n",
	  "headers.srs-applied headers.srs-spf-fail headers.from-returnpath-misaligned" },
	{ "DMARC reject",
	  "Authentication-Results: mx.google.com; dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=b.example\n"
	  "From: x@b.example\nReturn-Path: <x@b.example>\n",
	  "headers.dmarc-fail-reject" },
	{ "Microsoft oreject and compauth",
	  "Authentication-Results: spf=none smtp.mailfrom=b.example; dmarc=fail action=oreject header.from=b.example;"
	  "compauth=fail reason=000\nFrom: x@b.example\n",
	  "headers.dmarc-fail-reject headers.compauth-fail" },
	{ "ARC broken",
	  "ARC-Seal: i=2; cv=fail; d=google.com; b=x\nARC-Message-Signature: i=2; d=google.com\n"
	  "ARC-Authentication-Results: i=2; mx.google.com; arc=fail\n"
	  "ARC-Seal: i=1; cv=none; d=list.example; b=x\nARC-Message-Signature: i=1; d=list.example\n"
	  "ARC-Authentication-Results: i=1; list.example; spf=pass smtp.mailfrom=a@a.example\n"
	  "From: a@a.example\n",
	  "headers.arc-invalid" },
	{ "ARC set missing a part",
	  "ARC-Seal: i=1; cv=none; d=list.example; b=x\nFrom: a@a.example\n",
	  "headers.arc-invalid" },
	{ "all pass",
	  "Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=a@a.example; dkim=pass header.d=a.example;"
	  " dmarc=pass header.from=a.example\nFrom: a@a.example\nReturn-Path: <a@a.example>\n",
	  "headers.auth-pass" },
	{ "nothing recorded", "Subject: hi\n", "headers.no-auth-results" },
};

/* test_diagnoses - whole messages to diagnosis codes */
static void test_diagnoses(void **state)
{
	struct hdr_options opt = { .now = 1795672800, .srs_max_age = 21 };

	(void)state;
	for (size_t i = 0; i < sizeof(diag_cases) / sizeof(diag_cases[0]); i++) {
		const struct diag_case *c = &diag_cases[i];
		struct hdr_analysis a;
		char got[512] = "";
		size_t n = 0;
		char *err = NULL;

		hdr_analysis_init(&a);
		assert_int_equal(hdr_analyze(c->msg, strlen(c->msg), &opt, &a, &err), 0);
		for (size_t k = 0; k < a.nr_diags; k++)
			n += (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", k ? " " : "", a.diags[k].code);
		printf("%s: got '%s', want '%s'\n", c->name, got, c->codes);
		assert_string_equal(got, c->codes);
		hdr_analysis_release(&a);
	}
}

/* test_no_fields - input with no header field is an error, not a crash */
static void test_no_fields(void **state)
{
	struct hdr_options opt = { .now = 0, .srs_max_age = 21 };
	struct hdr_analysis a;
	char *err = NULL;

	(void)state;
	hdr_analysis_init(&a);
	assert_int_equal(hdr_analyze("\x01\x02 not a message\n", 18, &opt, &a, &err), -1);
	assert_non_null(err);
	free(err);
	hdr_analysis_release(&a);
	hdr_analysis_init(&a);
	err = NULL;
	assert_int_equal(hdr_analyze("", 0, &opt, &a, &err), -1);
	free(err);
	hdr_analysis_release(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_block_garbage),
		cmocka_unit_test(test_block_caps),
		cmocka_unit_test(test_addresses),
		cmocka_unit_test(test_received),
		cmocka_unit_test(test_diagnoses),
		cmocka_unit_test(test_no_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
