/*
 * test_snapshot_read.c - the snapshot v1 reader: every class of malformed
 * input gives one line naming the file and the JSON path (or line/column),
 * and well-formed input gives the documented values, defaults and the
 * absent-versus-empty distinctions (docs/snapshot.md).
 *
 * Inputs are written with single quotes, turned into double quotes by q().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/snapshot.h"
#include "base/strbuf.h"
#include "base/util.h"

#define HEAD "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'m365','domains':[],"

/* q - a copy of s with ' replaced by " */
static char *q(const char *s)
{
	char *j = xstrdup(s);
	for (char *p = j; *p; p++)
		if (*p == '\'')
			*p = '"';
	return j;
}

/* parse_err - parse buf (len bytes) expecting failure; returns the message */
static char *parse_err(const char *buf, size_t len)
{
	struct snapshot *s = (struct snapshot *)1;
	char *err = NULL;
	int r = snapshot_parse("c.json", buf, len, &s, &err);
	if (r == 0) {
		fprintf(stderr, "parsed, want an error:\n%.300s\n", buf);
		snapshot_free(s);
		fail();
	}
	assert_null(s);
	assert_non_null(err);
	return err;
}

/* assert_one_line - err is one printable line starting with the file name */
static void assert_one_line(const char *err)
{
	assert_true(starts_with(err, "c.json: "));
	for (const char *p = err; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			fprintf(stderr, "control character in: %s\n", err);
			fail();
		}
	assert_true(strlen(err) < 400);
}

/* expect_err - parse the single-quoted text, want an error containing want */
static void expect_err(const char *text, const char *want)
{
	char *j = q(text);
	char *err = parse_err(j, strlen(j));
	if (!strstr(err, want)) {
		fprintf(stderr, "input: %s\ngot:  %s\nwant: ...%s...\n", text, err, want);
		fail();
	}
	assert_one_line(err);
	free(err);
	free(j);
}

/* parse_ok - parse the single-quoted text, want success */
static struct snapshot *parse_ok(const char *text)
{
	char *j = q(text), *err = NULL;
	struct snapshot *s = NULL;
	if (snapshot_parse("c.json", j, strlen(j), &s, &err)) {
		fprintf(stderr, "input: %s\nerror: %s\n", text, err);
		fail();
	}
	free(j);
	assert_non_null(s);
	return s;
}

static const struct {
	const char *input, *want;
} err_cases[] = {
	/* not JSON / wrong shape */
	{ "", "c.json: empty file" },
	{ "  \n\t ", "c.json: empty file" },
	{ "[]", "want a JSON object at the top level, got array" },
	{ "'x'", "want a JSON object at the top level, got string" },
	{ "42", "got number" },
	{ "{'schema':'aliasaudit.snapshot/1',\n  'tenant' 't'}", "c.json: line 2, column 12: invalid JSON near '\"t\"}'" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t',}", "line 1, column 48: invalid JSON near '}'" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'},]}", "invalid JSON near ']}'" },
	{ HEAD "'recipients':[{'address':'a@b' 'kind':'user'}]}", "invalid JSON near" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'}]} trailing", "unexpected text after the snapshot object" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'us", "unexpected end of input" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'}", "unexpected end of input" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'}],'x':tru", "unexpected end of input" },
	{ "{'schema':'aliasaudit.snapshot/1'", "unexpected end of input" },
	{ "{", "unexpected end of input" },
	/* schema */
	{ "{}", "c.json: schema: missing" },
	{ "{'tenant':'t','provider':'p','domains':[],'recipients':[]}", "c.json: schema: missing" },
	{ "{'schema':'aliasaudit.snapshot/2','tenant':'t'}", "schema: unsupported version \"aliasaudit.snapshot/2\"" },
	{ "{'tenant':'t','recipients':[{'bogus':1}],'schema':'aliasaudit.snapshot/7'}", "schema: unsupported version \"aliasaudit.snapshot/7\"" },
	{ "{'schema':'aliasaudit.findings/1'}", "schema: not an aliasaudit snapshot" },
	{ "{'schema':1}", "schema: want a string, got number" },
	/* required top-level members */
	{ "{'schema':'aliasaudit.snapshot/1','provider':'p','domains':[],'recipients':[]}", "c.json: tenant: missing" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','domains':[],'recipients':[]}", "c.json: provider: missing" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','recipients':[]}", "c.json: domains: missing" },
	{ HEAD "'forwards':[]}", "c.json: recipients: missing (only an incomplete snapshot" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','complete':true,'recipients':[]}", "c.json: domains: missing" },
	{ HEAD "'recipients':{}}", "c.json: recipients: want an array, got object" },
	{ HEAD "'recipients':null}", "c.json: recipients: want an array, got null" },
	{ HEAD "'recipients':[],'recipients':[]}", "c.json: recipients: appears twice" },
	{ HEAD "'tenant':'u','recipients':[]}", "c.json: tenant: appears twice" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'','provider':'p','domains':[],'recipients':[]}", "c.json: tenant: empty" },
	{ HEAD "'recipients':[],'complete':'yes'}", "c.json: complete: want true or false, got string" },
	{ HEAD "'recipients':[],'complete':true,'errors':[{'object':'o','message':'m'}]}", "complete: true, but errors[] lists 1 collection failures" },
	/* recipients */
	{ HEAD "'recipients':[1]}", "c.json: recipients[0]: want an object, got number" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'},{'kind':'user'}]}", "c.json: recipients[1].address: missing" },
	{ HEAD "'recipients':[{'address':'a@b'}]}", "recipients[0].kind: missing" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user'},{'address':'c@b','kind':'user'},{'address':'d@b','kind':'user'},{'address':'e@b','kind':'mailbox'}]}",
	  "c.json: recipients[3].kind: unknown value \"mailbox\" (want user, shared, group, contact, resource, mail-user)" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user','enabled':'true'}]}", "recipients[0].enabled: want true or false, got string" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user','has_mailbox':1}]}", "recipients[0].has_mailbox: want true or false, got number" },
	{ HEAD "'recipients':[{'address':5,'kind':'user'}]}", "recipients[0].address: want a string, got number" },
	{ HEAD "'recipients':[{'address':'','kind':'user'}]}", "recipients[0].address: empty" },
	{ HEAD "'recipients':[{'address':'a\\nb@c','kind':'user'}]}", "recipients[0].address: control character 0x0a at byte 1" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user','aliases':'x@b'}]}", "recipients[0].aliases: want an array, got string" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user','aliases':['x@b',2]}]}", "recipients[0].aliases[1]: want a string, got number" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'group','members':[null]}]}", "recipients[0].members[0]: want a string, got null" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user','name':['x']}]}", "recipients[0].name: want a string, got array" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'user\\u001b[31m'}]}", "unknown value \"user\\x1b[31m\"" },
	/* domains */
	{ HEAD "'recipients':[{'address':'a@b','kind':'group','group_kind':'mailing'}]}",
	  "recipients[0].group_kind: unknown value \"mailing\" (want distribution, security, microsoft365, dynamic)" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'mail-user','external_address':''}]}", "recipients[0].external_address: empty" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'mail-user','external_address':3}]}", "recipients[0].external_address: want a string, got number" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'mail-user','guest':'yes'}]}", "recipients[0].guest: want true or false, got string" },
	{ HEAD "'recipients':[{'address':'a@b','kind':'mail-user','remote_mailbox':1}]}", "recipients[0].remote_mailbox: want true or false, got number" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[{'type':'alias'}],'recipients':[]}", "c.json: domains[0].name: missing" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[{'name':'a.b','type':'hosted'}],'recipients':[]}", "domains[0].type: unknown value \"hosted\" (want authoritative, internal-relay, alias, external-relay)" },
	{ "{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[{'name':'a.b','primary':'yes'}],'recipients':[]}", "domains[0].primary: want true or false, got string" },
	/* forwards */
	{ HEAD "'recipients':[],'forwards':[{'to':['x@y'],'via':'mailbox'}]}", "forwards[0].from: missing" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','via':'mailbox'}]}", "forwards[0].to: missing" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':'x@y','via':'mailbox'}]}", "forwards[0].to: want an array, got string" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['x@y']}]}", "forwards[0].via: missing" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['x@y'],'via':'smtp'}]}", "forwards[0].via: unknown value \"smtp\" (want mailbox, inbox-rule, transport-rule, gmail-autoforward, gmail-filter, routing)" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['x@y'],'via':'mailbox','keep_copy':0}]}", "forwards[0].keep_copy: want true or false, got number" },
	{ HEAD "'recipients':[],'forwards':{}}", "c.json: forwards: want an array, got object" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['x@y'],'via':'inbox-rule','action':'bounce'}]}",
	  "forwards[0].action: unknown value \"bounce\" (want forward, redirect, forward-as-attachment)" },
	{ HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['x@y'],'via':'inbox-rule','action':true}]}", "forwards[0].action: want a string, got boolean" },
	/* auto_replies, send_as */
	{ HEAD "'recipients':[],'auto_replies':[{'enabled':true}]}", "auto_replies[0].address: missing" },
	{ HEAD "'recipients':[],'auto_replies':[{'address':'a@b'}]}", "auto_replies[0].enabled: missing" },
	{ HEAD "'recipients':[],'send_as':[{'address':'a@b'}]}", "send_as[0].owner: missing" },
	{ HEAD "'recipients':[],'send_as':[{'owner':'a@b'}]}", "send_as[0].address: missing" },
	{ HEAD "'recipients':[],'send_as':[{'owner':'a@b','address':'c@b','verified':'pending'}]}", "send_as[0].verified: want true or false, got string" },
	/* errors */
	{ HEAD "'recipients':[],'errors':[{'message':'m'}]}", "c.json: errors[0].object: missing" },
	{ HEAD "'recipients':[],'errors':[{'object':'o'}]}", "errors[0].message: missing" },
	{ HEAD "'recipients':[],'errors':[{'object':'o','message':'m','area':'inbox'}]}", "errors[0].area: unknown value \"inbox\" (want domains, recipients" },
	/* policy */
	{ HEAD "'recipients':[],'policy':[]}", "c.json: policy: want an object, got array" },
	{ HEAD "'recipients':[],'policy':{'send_from_alias':'false'}}", "policy.send_from_alias: want true or false, got string" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':{}}}", "policy.outbound_forwarding: want an array, got object" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'mode':'on'}]}}", "policy.outbound_forwarding[0].name: missing" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D'}]}}", "policy.outbound_forwarding[0].mode: missing" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'On'}]}}", "policy.outbound_forwarding[0].mode: unknown value \"On\" (want automatic, on, off)" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','priority':1.5}]}}", "policy.outbound_forwarding[0].priority: want an integer, got 1.5" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','priority':'1'}]}}", "priority: want an integer, got string" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','users':[1]}]}}", "policy.outbound_forwarding[0].users[0]: want a string, got number" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','except_users':'a@b'}]}}", "policy.outbound_forwarding[0].except_users: want an array, got string" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','except_groups':[1]}]}}", "policy.outbound_forwarding[0].except_groups[0]: want a string, got number" },
	{ HEAD "'recipients':[],'policy':{'outbound_forwarding':[{'name':'D','mode':'on','except_domains':['']}]}}", "policy.outbound_forwarding[0].except_domains[0]: empty" },
	{ HEAD "'recipients':[],'policy':{'remote_domains':[{'domain':'*'}]}}", "policy.remote_domains[0].auto_forward: missing" },
	{ HEAD "'recipients':[],'policy':{'remote_domains':[{'auto_forward':true}]}}", "policy.remote_domains[0].domain: missing" },
	{ HEAD "'recipients':[],'policy':{'auto_forwarding_ou':[{'enabled':true}]}}", "policy.auto_forwarding_ou[0].org_unit: missing (an entry names an org_unit or a group)" },
	{ HEAD "'recipients':[],'policy':{'auto_forwarding_ou':[{'org_unit':'/','group':'g@b','enabled':true}]}}", "policy.auto_forwarding_ou[0].group: set together with org_unit" },
	{ HEAD "'recipients':[],'policy':{'auto_forwarding_ou':[{'group':'','enabled':true}]}}", "policy.auto_forwarding_ou[0].group: empty" },
	{ HEAD "'recipients':[],'policy':{'auto_forwarding_ou':[{'org_unit':'/'}]}}", "policy.auto_forwarding_ou[0].enabled: missing" },
	{ HEAD "'recipients':[],'policy':{'catch_all':[{'domain':'a.b','target':'x@a.b'}]}}", "policy.catch_all[0].scope: missing" },
	{ HEAD "'recipients':[],'policy':{'catch_all':[{'domain':'a.b','scope':'all'}]}}", "policy.catch_all[0].target: missing" },
	{ HEAD "'recipients':[],'policy':{'catch_all':[{'domain':'a.b','target':'x@a.b','scope':'some'}]}}", "scope: unknown value \"some\" (want unknown-only, all)" },
	/* \u0000 would silently cut a string short */
	{ HEAD "'recipients':[{'address':'a\\u0000@evil','kind':'user'}]}", "\\u0000 (NUL) in a string is not supported" },
};

/* test_errors - every malformed input of the table */
static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(err_cases); i++)
		expect_err(err_cases[i].input, err_cases[i].want);
}

/* test_raw_bytes - NUL bytes, invalid UTF-8 and control bytes in the text */
static void test_raw_bytes(void **state)
{
	static const struct {
		const char *buf;
		size_t len;
		const char *want;
	} cases[] = {
#define RAW(s, want) { s, sizeof(s) - 1, want }
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\n\"tenant\":\"t\0\"}", "c.json: line 2, column 12: NUL byte in the input"),
		RAW("\0", "line 1, column 1: NUL byte"),
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\xff\"}", "c.json: line 1, column 46: invalid UTF-8 (byte 0xff)"),
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"\xc3\xa9\xc3\"}", "line 1, column 46: invalid UTF-8 (byte 0xc3)"),
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"\xed\xa0\x80\"}", "invalid UTF-8 (byte 0xed)"),  /* surrogate */
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"\xc0\xaf\"}", "invalid UTF-8 (byte 0xc0)"),      /* overlong */
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"\xf4\x90\x80\x80\"}", "invalid UTF-8 (byte 0xf4)"), /* > U+10FFFF */
		RAW("{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\"\x1b[31m:1}", "invalid JSON near '\\x1b[31m:1}'"),
		RAW("\xef\xbb\xbf[]", "want a JSON object at the top level, got array"),
#undef RAW
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *err = parse_err(cases[i].buf, cases[i].len);
		if (!strstr(err, cases[i].want)) {
			fprintf(stderr, "case %zu: got %s, want ...%s...\n", i, err, cases[i].want);
			fail();
		}
		assert_one_line(err);
		free(err);
	}
}

/* test_deep_nesting - 100,000 nested arrays: one clean line, no crash */
static void test_deep_nesting(void **state)
{
	(void)state;
	size_t depth = 100000;
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\",\"x\":");
	for (size_t i = 0; i < depth; i++)
		strbuf_puts(&sb, "[");
	for (size_t i = 0; i < depth; i++)
		strbuf_puts(&sb, "]");
	strbuf_puts(&sb, "}");
	char *err = parse_err(sb.buf, sb.len);
	assert_non_null(strstr(err, "nested deeper than 1000 levels"));
	assert_one_line(err);
	free(err);

	/* the same as the whole document, and inside a recipient */
	strbuf_reset(&sb);
	for (size_t i = 0; i < depth; i++)
		strbuf_puts(&sb, "[");
	err = parse_err(sb.buf, sb.len);
	assert_non_null(strstr(err, "c.json: line 1, column 1001: nested deeper than 1000 levels"));
	free(err);

	strbuf_reset(&sb);
	strbuf_puts(&sb, "{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\",\"provider\":\"p\","
		    "\"domains\":[],\"recipients\":[{\"address\":\"a@b\",\"kind\":\"user\",\"x\":");
	for (size_t i = 0; i < depth; i++)
		strbuf_puts(&sb, "{\"a\":");
	err = parse_err(sb.buf, sb.len);
	assert_non_null(strstr(err, "nested deeper than 1000 levels"));
	free(err);
	strbuf_release(&sb);
}

/* big_string_doc - a snapshot whose recipient has a len-byte string in field */
static char *big_string_doc(const char *field, size_t len, size_t *n)
{
	struct strbuf sb = STRBUF_INIT;
	strbuf_putf(&sb, "{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\",\"provider\":\"p\","
		    "\"domains\":[],\"recipients\":[{\"address\":\"a@b\",\"kind\":\"user\",\"%s\":\"", field);
	char *big = xmalloc(len);
	memset(big, 'x', len);
	if (strbuf_add(&sb, big, len) < 0)
		fail();
	free(big);
	strbuf_puts(&sb, "\"}]}");
	return strbuf_detach(&sb, n);
}

/* test_big_strings - 10 MB strings: fine where ignored, capped where kept */
static void test_big_strings(void **state)
{
	(void)state;
	size_t n, mb10 = 10u << 20;
	struct snapshot *s = NULL;
	char *err = NULL, *doc;

	doc = big_string_doc("unknown_field", mb10, &n);
	assert_int_equal(snapshot_parse("c.json", doc, n, &s, &err), 0);
	assert_int_equal(s->nr_recipients, 1);
	snapshot_free(s);
	free(doc);

	doc = big_string_doc("name", mb10, &n);
	err = parse_err(doc, n);
	assert_string_equal(err, "c.json: recipients[0].name: longer than 65536 bytes");
	free(err);
	free(doc);

	/* address: replace the short one by a long one */
	struct strbuf sb = STRBUF_INIT;
	strbuf_puts(&sb, "{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\",\"provider\":\"p\","
		    "\"domains\":[],\"recipients\":[{\"kind\":\"user\",\"address\":\"");
	for (size_t i = 0; i < 321; i++)
		strbuf_puts(&sb, "a");
	strbuf_puts(&sb, "\"}]}");
	err = parse_err(sb.buf, sb.len);
	assert_string_equal(err, "c.json: recipients[0].address: longer than 320 bytes");
	free(err);
	strbuf_release(&sb);

	/* truncated in the middle of a 10 MB string */
	doc = big_string_doc("name", mb10, &n);
	err = parse_err(doc, n / 2);
	assert_non_null(strstr(err, "unexpected end of input"));
	assert_one_line(err);
	free(err);
	free(doc);
}

/* test_truncated_everywhere - every prefix of a valid snapshot fails cleanly */
static void test_truncated_everywhere(void **state)
{
	(void)state;
	char *j = q(HEAD "'recipients':[{'address':'a@b','kind':'group','members':['c@d']}],"
		    "'forwards':[{'from':'a@b','to':['x@y'],'via':'mailbox'}],"
		    "'policy':{'plus_addressing':true,'catch_all':[]}}");
	size_t len = strlen(j);
	for (size_t n = 0; n < len; n++) {
		char *cut = xstrndup(j, n); /* own allocation so ASan sees overreads */
		char *err = parse_err(cut, n);
		assert_one_line(err);
		free(err);
		free(cut);
	}
	free(j);
}

/* test_full - every field of every section, as documented */
static void test_full(void **state)
{
	(void)state;
	struct snapshot *s = parse_ok(
		"{'schema':'aliasaudit.snapshot/1','tenant':'contoso','provider':'m365',"
		"'collected_at':'2026-11-26T06:00:00Z','complete':false,"
		"'errors':[{'object':'inbox rules of bob','message':'HTTP 503','area':'forwards','address':'bob@contoso.com'}],"
		"'domains':[{'name':'contoso.com','type':'authoritative','primary':true},{'name':'contoso.net','type':'alias'}],"
		"'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':true,'has_mailbox':false,"
		"  'aliases':['sales@contoso.com','b@contoso.net'],'org_unit':'/','id':'42','name':'Bob','future':{'x':1}},"
		"  {'address':'team@contoso.com','kind':'group','members':['bob@contoso.com','x@gmail.com']}],"
		"'forwards':[{'from':'bob@contoso.com','to':['p@gmail.com','q@gmail.com'],'via':'transport-rule',"
		"  'keep_copy':true,'enabled':false,'conditional':true,'name':'R','id':'7'}],"
		"'auto_replies':[{'address':'bob@contoso.com','enabled':true,'external':false}],"
		"'send_as':[{'owner':'bob@contoso.com','address':'sales@contoso.com','treat_as_alias':true,'verified':false,'primary':true}],"
		"'policy':{'send_from_alias':false,'plus_addressing':true,"
		"  'outbound_forwarding':[{'name':'Default','mode':'automatic','default':true,'priority':3,"
		"    'users':['bob@contoso.com'],'groups':['team@contoso.com'],'domains':['contoso.com']}],"
		"  'remote_domains':[{'domain':'*','auto_forward':true}],"
		"  'auto_forwarding_ou':[{'org_unit':'/sales','enabled':false}],"
		"  'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'unknown-only','source':'config','name':'C'}]}}");

	assert_string_equal(s->source, "c.json");
	assert_string_equal(s->tenant, "contoso");
	assert_string_equal(s->provider, "m365");
	assert_string_equal(s->collected_at, "2026-11-26T06:00:00Z");
	assert_false(s->complete);
	assert_int_equal(s->nr_errors, 1);
	assert_string_equal(s->errors[0].object, "inbox rules of bob");
	assert_string_equal(s->errors[0].message, "HTTP 503");
	assert_string_equal(s->errors[0].area, "forwards");
	assert_string_equal(s->errors[0].address, "bob@contoso.com");
	assert_true(snapshot_area_failed(s, "forwards", "BOB@contoso.com"));
	assert_false(snapshot_area_failed(s, "forwards", "eve@contoso.com"));

	assert_int_equal(s->nr_domains, 2);
	assert_string_equal(s->domains[0].name, "contoso.com");
	assert_int_equal(s->domains[0].type, DOM_AUTHORITATIVE);
	assert_true(s->domains[0].primary);
	assert_int_equal(s->domains[1].type, DOM_ALIAS);
	assert_false(s->domains[1].primary);

	assert_int_equal(s->nr_recipients, 2);
	const struct snapshot_recipient *r = &s->recipients[0];
	assert_string_equal(r->address, "bob@contoso.com");
	assert_int_equal(r->kind, RK_USER);
	assert_int_equal(r->enabled, TRI_TRUE);
	assert_int_equal(r->has_mailbox, TRI_FALSE);
	assert_int_equal(r->nr_aliases, 2);
	assert_string_equal(r->aliases[1], "b@contoso.net");
	assert_int_equal(r->nr_members, 0);
	assert_string_equal(r->org_unit, "/");
	assert_string_equal(r->id, "42");
	assert_string_equal(r->name, "Bob");
	r = &s->recipients[1];
	assert_int_equal(r->kind, RK_GROUP);
	assert_int_equal(r->enabled, TRI_UNSET);
	assert_int_equal(r->has_mailbox, TRI_UNSET);
	assert_int_equal(r->nr_members, 2);
	assert_string_equal(r->members[1], "x@gmail.com");
	assert_null(r->org_unit);
	assert_null(r->name);

	assert_true(s->has_forwards);
	assert_int_equal(s->nr_forwards, 1);
	const struct snapshot_forward *f = &s->forwards[0];
	assert_string_equal(f->from, "bob@contoso.com");
	assert_int_equal(f->nr_to, 2);
	assert_string_equal(f->to[1], "q@gmail.com");
	assert_int_equal(f->via, VIA_TRANSPORT_RULE);
	assert_true(f->keep_copy);
	assert_false(f->enabled);
	assert_true(f->conditional);
	assert_string_equal(f->name, "R");
	assert_string_equal(f->id, "7");

	assert_true(s->has_auto_replies);
	assert_true(s->auto_replies[0].enabled);
	assert_int_equal(s->auto_replies[0].external, TRI_FALSE);
	assert_true(s->has_send_as);
	assert_int_equal(s->send_as[0].treat_as_alias, TRI_TRUE);
	assert_int_equal(s->send_as[0].verified, TRI_FALSE);
	assert_true(s->send_as[0].primary);

	const struct snapshot_policy *p = &s->policy;
	assert_int_equal(p->send_from_alias, TRI_FALSE);
	assert_int_equal(p->plus_addressing, TRI_TRUE);
	assert_true(p->has_outbound_forwarding);
	assert_int_equal(p->outbound_forwarding[0].mode, FWD_MODE_AUTOMATIC);
	assert_true(p->outbound_forwarding[0].is_default);
	assert_int_equal(p->outbound_forwarding[0].priority, 3);
	assert_string_equal(p->outbound_forwarding[0].users[0], "bob@contoso.com");
	assert_string_equal(p->outbound_forwarding[0].groups[0], "team@contoso.com");
	assert_string_equal(p->outbound_forwarding[0].domains[0], "contoso.com");
	assert_true(p->has_remote_domains);
	assert_string_equal(p->remote_domains[0].domain, "*");
	assert_true(p->remote_domains[0].auto_forward);
	assert_true(p->has_auto_forwarding_ou);
	assert_string_equal(p->auto_forwarding_ou[0].org_unit, "/sales");
	assert_false(p->auto_forwarding_ou[0].enabled);
	assert_true(p->has_catch_all);
	assert_int_equal(p->catch_all[0].scope, CATCHALL_UNKNOWN_ONLY);
	assert_string_equal(p->catch_all[0].source, "config");
	assert_string_equal(p->catch_all[0].name, "C");
	snapshot_free(s);
}

/* test_minimal_absent - only the required members: every optional part absent */
static void test_minimal_absent(void **state)
{
	(void)state;
	struct snapshot *s = parse_ok(HEAD "'recipients':[]}");
	assert_true(s->complete);
	assert_null(s->collected_at);
	assert_int_equal(s->nr_errors, 0);
	assert_int_equal(s->nr_recipients, 0);
	assert_false(s->has_forwards);
	assert_false(s->has_auto_replies);
	assert_false(s->has_send_as);
	assert_int_equal(s->policy.send_from_alias, TRI_UNSET);
	assert_int_equal(s->policy.plus_addressing, TRI_UNSET);
	assert_false(s->policy.has_outbound_forwarding);
	assert_false(s->policy.has_remote_domains);
	assert_false(s->policy.has_auto_forwarding_ou);
	assert_false(s->policy.has_catch_all);
	snapshot_free(s);

	/* null counts as absent for optional sections and fields */
	s = parse_ok(HEAD "'recipients':[{'address':'a@b','kind':'user','enabled':null,'aliases':null}],"
		     "'forwards':null,'send_as':null,'collected_at':null,'complete':null,"
		     "'policy':{'catch_all':null,'plus_addressing':null}}");
	assert_false(s->has_forwards);
	assert_false(s->has_send_as);
	assert_false(s->policy.has_catch_all);
	assert_int_equal(s->policy.plus_addressing, TRI_UNSET);
	assert_int_equal(s->recipients[0].enabled, TRI_UNSET);
	assert_int_equal(s->recipients[0].nr_aliases, 0);
	snapshot_free(s);
}

/* test_empty_present - empty sections are present: "read, and there are none" */
static void test_empty_present(void **state)
{
	(void)state;
	struct snapshot *s = parse_ok(HEAD "'recipients':[],'forwards':[],'auto_replies':[],'send_as':[],"
				      "'policy':{'outbound_forwarding':[],'remote_domains':[],"
				      "'auto_forwarding_ou':[],'catch_all':[]}}");
	assert_true(s->has_forwards);
	assert_true(s->has_auto_replies);
	assert_true(s->has_send_as);
	assert_int_equal(s->nr_forwards, 0);
	assert_true(s->policy.has_outbound_forwarding);
	assert_true(s->policy.has_remote_domains);
	assert_true(s->policy.has_auto_forwarding_ou);
	assert_true(s->policy.has_catch_all);
	assert_int_equal(s->policy.nr_catch_all, 0);
	snapshot_free(s);
}

/* test_defaults - per-via keep_copy, forward enabled/conditional, domain type, complete */
static void test_defaults(void **state)
{
	(void)state;
	static const struct {
		const char *via;
		bool keep_copy;
	} vias[] = {
		{ "mailbox", false }, { "inbox-rule", true }, { "transport-rule", false },
		{ "gmail-autoforward", false }, { "gmail-filter", true }, { "routing", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(vias); i++) {
		char *text = xstrfmt(HEAD "'recipients':[],'forwards':[{'from':'a@b','to':['c@d'],'via':'%s'}]}",
				     vias[i].via);
		struct snapshot *s = parse_ok(text);
		const struct snapshot_forward *f = &s->forwards[0];
		if (f->keep_copy != vias[i].keep_copy) {
			fprintf(stderr, "via %s: keep_copy %d, want %d\n", vias[i].via, f->keep_copy, vias[i].keep_copy);
			fail();
		}
		assert_true(f->enabled);
		assert_false(f->conditional);
		assert_null(f->name);
		snapshot_free(s);
		free(text);
	}

	struct snapshot *s = parse_ok(
		"{'schema':'aliasaudit.snapshot/1.3','tenant':'t','provider':'hand','domains':[{'name':'a.b'}],"
		"'recipients':[],'errors':[{'object':'o','message':'m'}],'send_as':[{'owner':'a@b','address':'c@b'}],"
		"'policy':{'outbound_forwarding':[{'name':'P','mode':'on'}]}}");
	assert_int_equal(s->domains[0].type, DOM_AUTHORITATIVE);
	assert_false(s->domains[0].primary);
	assert_false(s->complete);                /* errors present, complete absent */
	assert_null(s->errors[0].area);
	assert_true(snapshot_area_failed(s, "send_as", NULL)); /* no area: covers anything */
	assert_int_equal(s->send_as[0].treat_as_alias, TRI_UNSET);
	assert_int_equal(s->send_as[0].verified, TRI_UNSET);
	assert_false(s->send_as[0].primary);
	const struct outbound_policy *op = &s->policy.outbound_forwarding[0];
	assert_false(op->is_default);
	assert_int_equal(op->priority, 0);
	assert_int_equal(op->nr_users + op->nr_groups + op->nr_domains, 0);
	snapshot_free(s);

	/* complete: false without errors is allowed (the provider knows no more) */
	s = parse_ok(HEAD "'recipients':[],'complete':false}");
	assert_false(s->complete);
	snapshot_free(s);
}

/* test_extensions - the v1 extensions read as documented; left out, they are "not said" */
static void test_extensions(void **state)
{
	(void)state;
	struct snapshot *s = parse_ok(
		"{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'m365',"
		"'domains':[{'name':'a.b'},{'name':'r.a.b','type':'external-relay'}],"
		"'recipients':[{'address':'g@a.b','kind':'mail-user','guest':true,'external_address':'g@x.org'},"
		"  {'address':'o@a.b','kind':'mail-user','remote_mailbox':true},"
		"  {'address':'d@a.b','kind':'group','group_kind':'dynamic'},{'address':'u@a.b','kind':'user'}],"
		"'forwards':[{'from':'u@a.b','to':['x@y'],'via':'inbox-rule','action':'forward-as-attachment'},"
		"  {'from':'u@a.b','to':['x@y'],'via':'inbox-rule'}],"
		"'policy':{'outbound_forwarding':[{'name':'P','mode':'on','except_users':['u@a.b'],"
		"  'except_groups':['d@a.b','e@a.b'],'except_domains':['a.b']}],"
		"  'auto_forwarding_ou':[{'group':'d@a.b','enabled':false}]}}");
	assert_int_equal(s->domains[1].type, DOM_EXTERNAL_RELAY);
	assert_int_equal(s->recipients[0].kind, RK_MAIL_USER);
	assert_true(s->recipients[0].guest);
	assert_false(s->recipients[0].remote_mailbox);
	assert_string_equal(s->recipients[0].external_address, "g@x.org");
	assert_true(s->recipients[1].remote_mailbox);
	assert_null(s->recipients[1].external_address);
	assert_int_equal(s->recipients[2].group_kind, GK_DYNAMIC);
	assert_int_equal(s->recipients[2].nr_members, 0); /* dynamic: members may be absent */
	assert_int_equal(s->recipients[3].group_kind, GK_UNSET);
	assert_int_equal(s->forwards[0].action, FA_FORWARD_AS_ATTACHMENT);
	assert_int_equal(s->forwards[1].action, FA_UNSET);
	const struct outbound_policy *op = &s->policy.outbound_forwarding[0];
	assert_int_equal(op->nr_except_users, 1);
	assert_int_equal(op->nr_except_groups, 2);
	assert_string_equal(op->except_groups[1], "e@a.b");
	assert_string_equal(op->except_domains[0], "a.b");
	assert_null(s->policy.auto_forwarding_ou[0].org_unit);
	assert_string_equal(s->policy.auto_forwarding_ou[0].group, "d@a.b");
	snapshot_free(s);

	/* an incomplete snapshot may leave out domains and recipients: they are
	 * then "not read", never "none" */
	s = parse_ok("{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p',"
		     "'errors':[{'object':'directory','message':'503','area':'forwards'}]}");
	assert_false(s->complete);
	assert_true(s->recipients_absent);
	assert_true(s->domains_absent);
	assert_true(snapshot_area_failed(s, "recipients", "a@b"));
	assert_false(snapshot_area_failed(s, "send_as", NULL));
	snapshot_free(s);
	s = parse_ok(HEAD "'complete':false}");
	assert_true(s->recipients_absent);
	assert_false(s->domains_absent);
	snapshot_free(s);
}

/* test_unknown_and_order - unknown members anywhere are ignored; schema may come last */
static void test_unknown_and_order(void **state)
{
	(void)state;
	struct snapshot *s = parse_ok(
		"\xef\xbb\xbf {'future':{'deep':[[[1]]]},'tenant':'t','provider':'p','domains':[],"
		"'recipients':[{'kind':'user','address':'A@B','x':null}],'policy':{'new':1},"
		"'schema':'aliasaudit.snapshot/1'}");
	assert_int_equal(s->nr_recipients, 1);
	assert_string_equal(s->recipients[0].address, "A@B");
	snapshot_free(s);

	/* UTF-8 and escapes are kept as written */
	s = parse_ok(HEAD "'recipients':[{'address':'j\\u00fcrgen@b','kind':'user','name':'J\xc3\xbcrgen \\\"J\\\"'}]}");
	assert_string_equal(s->recipients[0].address, "j\xc3\xbcrgen@b");
	assert_string_equal(s->recipients[0].name, "J\xc3\xbcrgen \"J\"");
	snapshot_free(s);
}

/* test_read_file - the file front end: missing file and stdin name */
static void test_read_file(void **state)
{
	(void)state;
	struct snapshot *s = (struct snapshot *)1;
	char *err = NULL;
	assert_int_equal(snapshot_read_file("/nonexistent/c.json", &s, &err), -1);
	assert_null(s);
	assert_true(starts_with(err, "/nonexistent/c.json: "));
	free(err);

	char path[] = "/tmp/aa-snapread.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "{\"schema\":\"aliasaudit.snapshot/1\",\"tenant\":\"t\",\"provider\":\"p\","
			   "\"domains\":[],\"recipients\":[{\"address\":\"a@b\",\"kind\":\"robot\"}]}";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(snapshot_read_file(path, &s, &err), -1);
	char *want = xstrfmt("%s: recipients[0].kind: unknown value \"robot\"", path);
	assert_true(starts_with(err, want));
	free(want);
	free(err);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_raw_bytes),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_big_strings),
		cmocka_unit_test(test_truncated_everywhere),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_minimal_absent),
		cmocka_unit_test(test_empty_present),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_extensions),
		cmocka_unit_test(test_unknown_and_order),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
