/*
 * test_snapshot_roundtrip.c - the snapshot writer: read -> write -> read gives
 * the same model, writing again gives the same bytes, absent stays absent,
 * strings survive any content, and snapshot_write_file writes atomically
 * with mode 0600.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/snapshot.h"
#include "base/util.h"

/* q - a copy of s with ' replaced by " */
static char *q(const char *s)
{
	char *j = xstrdup(s);
	for (char *p = j; *p; p++)
		if (*p == '\'')
			*p = '"';
	return j;
}

/* parse - parse JSON text or fail the test */
static struct snapshot *parse(const char *json)
{
	struct snapshot *s = NULL;
	char *err = NULL;
	if (snapshot_parse("rt.json", json, strlen(json), &s, &err)) {
		fprintf(stderr, "does not parse: %s\n%s\n", err, json);
		fail();
	}
	return s;
}

#define SAME_STR(a, b) do { \
	if (!((a) == NULL && (b) == NULL) && !((a) && (b) && !strcmp((a), (b)))) { \
		fprintf(stderr, "%s: '%s' != '%s'\n", #a, (a) ? (a) : "(null)", (b) ? (b) : "(null)"); \
		fail(); \
	} \
} while (0)
#define SAME(a, b) assert_int_equal((long)(a), (long)(b))

/* same_strs - two string arrays are equal */
static void same_strs(const char *const *a, size_t na, const char *const *b, size_t nb)
{
	SAME(na, nb);
	for (size_t i = 0; i < na; i++)
		SAME_STR(a[i], b[i]);
}

/* same_model - every field of a and b is equal (source aside) */
static void same_model(const struct snapshot *a, const struct snapshot *b)
{
	SAME_STR(a->tenant, b->tenant);
	SAME_STR(a->provider, b->provider);
	SAME_STR(a->collected_at, b->collected_at);
	SAME(a->complete, b->complete);
	SAME(a->nr_errors, b->nr_errors);
	for (size_t i = 0; i < a->nr_errors; i++) {
		SAME_STR(a->errors[i].object, b->errors[i].object);
		SAME_STR(a->errors[i].message, b->errors[i].message);
		SAME_STR(a->errors[i].area, b->errors[i].area);
		SAME_STR(a->errors[i].address, b->errors[i].address);
	}
	SAME(a->nr_domains, b->nr_domains);
	for (size_t i = 0; i < a->nr_domains; i++) {
		SAME_STR(a->domains[i].name, b->domains[i].name);
		SAME(a->domains[i].type, b->domains[i].type);
		SAME(a->domains[i].primary, b->domains[i].primary);
	}
	SAME(a->nr_recipients, b->nr_recipients);
	for (size_t i = 0; i < a->nr_recipients; i++) {
		const struct snapshot_recipient *x = &a->recipients[i], *y = &b->recipients[i];
		SAME_STR(x->address, y->address);
		SAME(x->kind, y->kind);
		SAME(x->enabled, y->enabled);
		SAME(x->has_mailbox, y->has_mailbox);
		same_strs(x->aliases, x->nr_aliases, y->aliases, y->nr_aliases);
		same_strs(x->members, x->nr_members, y->members, y->nr_members);
		SAME_STR(x->org_unit, y->org_unit);
		SAME_STR(x->id, y->id);
		SAME_STR(x->name, y->name);
		SAME(x->group_kind, y->group_kind);
		SAME_STR(x->external_address, y->external_address);
		SAME(x->guest, y->guest);
		SAME(x->remote_mailbox, y->remote_mailbox);
	}
	SAME(a->domains_absent, b->domains_absent);
	SAME(a->recipients_absent, b->recipients_absent);
	SAME(a->has_forwards, b->has_forwards);
	SAME(a->nr_forwards, b->nr_forwards);
	for (size_t i = 0; i < a->nr_forwards; i++) {
		const struct snapshot_forward *x = &a->forwards[i], *y = &b->forwards[i];
		SAME_STR(x->from, y->from);
		same_strs(x->to, x->nr_to, y->to, y->nr_to);
		SAME(x->via, y->via);
		SAME(x->keep_copy, y->keep_copy);
		SAME(x->enabled, y->enabled);
		SAME(x->conditional, y->conditional);
		SAME_STR(x->name, y->name);
		SAME_STR(x->id, y->id);
		SAME(x->action, y->action);
	}
	SAME(a->has_auto_replies, b->has_auto_replies);
	SAME(a->nr_auto_replies, b->nr_auto_replies);
	for (size_t i = 0; i < a->nr_auto_replies; i++) {
		SAME_STR(a->auto_replies[i].address, b->auto_replies[i].address);
		SAME(a->auto_replies[i].enabled, b->auto_replies[i].enabled);
		SAME(a->auto_replies[i].external, b->auto_replies[i].external);
	}
	SAME(a->has_send_as, b->has_send_as);
	SAME(a->nr_send_as, b->nr_send_as);
	for (size_t i = 0; i < a->nr_send_as; i++) {
		SAME_STR(a->send_as[i].owner, b->send_as[i].owner);
		SAME_STR(a->send_as[i].address, b->send_as[i].address);
		SAME(a->send_as[i].treat_as_alias, b->send_as[i].treat_as_alias);
		SAME(a->send_as[i].verified, b->send_as[i].verified);
		SAME(a->send_as[i].primary, b->send_as[i].primary);
	}
	const struct snapshot_policy *p = &a->policy, *r = &b->policy;
	SAME(p->send_from_alias, r->send_from_alias);
	SAME(p->plus_addressing, r->plus_addressing);
	SAME(p->has_outbound_forwarding, r->has_outbound_forwarding);
	SAME(p->nr_outbound_forwarding, r->nr_outbound_forwarding);
	for (size_t i = 0; i < p->nr_outbound_forwarding; i++) {
		const struct outbound_policy *x = &p->outbound_forwarding[i], *y = &r->outbound_forwarding[i];
		SAME_STR(x->name, y->name);
		SAME(x->mode, y->mode);
		SAME(x->is_default, y->is_default);
		SAME(x->priority, y->priority);
		same_strs(x->users, x->nr_users, y->users, y->nr_users);
		same_strs(x->groups, x->nr_groups, y->groups, y->nr_groups);
		same_strs(x->domains, x->nr_domains, y->domains, y->nr_domains);
		same_strs(x->except_users, x->nr_except_users, y->except_users, y->nr_except_users);
		same_strs(x->except_groups, x->nr_except_groups, y->except_groups, y->nr_except_groups);
		same_strs(x->except_domains, x->nr_except_domains, y->except_domains, y->nr_except_domains);
	}
	SAME(p->has_remote_domains, r->has_remote_domains);
	SAME(p->nr_remote_domains, r->nr_remote_domains);
	for (size_t i = 0; i < p->nr_remote_domains; i++) {
		SAME_STR(p->remote_domains[i].domain, r->remote_domains[i].domain);
		SAME(p->remote_domains[i].auto_forward, r->remote_domains[i].auto_forward);
	}
	SAME(p->has_auto_forwarding_ou, r->has_auto_forwarding_ou);
	SAME(p->nr_auto_forwarding_ou, r->nr_auto_forwarding_ou);
	for (size_t i = 0; i < p->nr_auto_forwarding_ou; i++) {
		SAME_STR(p->auto_forwarding_ou[i].org_unit, r->auto_forwarding_ou[i].org_unit);
		SAME_STR(p->auto_forwarding_ou[i].group, r->auto_forwarding_ou[i].group);
		SAME(p->auto_forwarding_ou[i].enabled, r->auto_forwarding_ou[i].enabled);
	}
	SAME(p->has_catch_all, r->has_catch_all);
	SAME(p->nr_catch_all, r->nr_catch_all);
	for (size_t i = 0; i < p->nr_catch_all; i++) {
		SAME_STR(p->catch_all[i].domain, r->catch_all[i].domain);
		SAME_STR(p->catch_all[i].target, r->catch_all[i].target);
		SAME(p->catch_all[i].scope, r->catch_all[i].scope);
		SAME_STR(p->catch_all[i].source, r->catch_all[i].source);
		SAME_STR(p->catch_all[i].name, r->catch_all[i].name);
	}
}

/* roundtrip - text -> model -> JSON -> model -> JSON: same model, same bytes */
static char *roundtrip(const char *text)
{
	char *json = q(text);
	struct snapshot *a = parse(json);
	char *out1 = snapshot_to_json(a);
	struct snapshot *b = parse(out1);
	same_model(a, b);
	char *out2 = snapshot_to_json(b);
	assert_string_equal(out1, out2);
	snapshot_free(a);
	snapshot_free(b);
	free(out2);
	free(json);
	return out1;
}

static const char *const docs[] = {
	/* everything */
	"{'schema':'aliasaudit.snapshot/1','tenant':'contoso','provider':'m365',"
	"'collected_at':'2026-11-26T06:00:00Z','complete':false,"
	"'errors':[{'object':'inbox rules of bob','message':'HTTP 503','area':'forwards','address':'bob@contoso.com'},"
	"  {'object':'OU policy','message':'403'}],"
	"'domains':[{'name':'contoso.com','type':'authoritative','primary':true},{'name':'c.net','type':'alias'},"
	"  {'name':'relay.contoso.com','type':'internal-relay'}],"
	"'recipients':[{'address':'bob@contoso.com','kind':'user','enabled':true,'has_mailbox':false,"
	"  'aliases':['sales@contoso.com','b@c.net'],'org_unit':'/','id':'42','name':'Bob'},"
	"  {'address':'team@contoso.com','kind':'group','members':['bob@contoso.com','x@gmail.com']},"
	"  {'address':'empty@contoso.com','kind':'group','members':[]},"
	"  {'address':'room@contoso.com','kind':'resource','enabled':false},"
	"  {'address':'c@x.org','kind':'contact'},{'address':'s@contoso.com','kind':'shared','has_mailbox':true}],"
	"'forwards':[{'from':'bob@contoso.com','to':['p@gmail.com','q@gmail.com'],'via':'transport-rule',"
	"  'keep_copy':true,'enabled':false,'conditional':true,'name':'R','id':'7'},"
	"  {'from':'s@contoso.com','to':['bob@contoso.com'],'via':'gmail-filter'},"
	"  {'from':'s@contoso.com','to':['bob@contoso.com'],'via':'routing','keep_copy':true}],"
	"'auto_replies':[{'address':'bob@contoso.com','enabled':true,'external':false},{'address':'s@contoso.com','enabled':false}],"
	"'send_as':[{'owner':'bob@contoso.com','address':'sales@contoso.com','treat_as_alias':true,'verified':false,'primary':true},"
	"  {'owner':'bob@contoso.com','address':'b@c.net'}],"
	"'policy':{'send_from_alias':false,'plus_addressing':true,"
	"  'outbound_forwarding':[{'name':'Default','mode':'automatic','default':true,'priority':0},"
	"    {'name':'Fin','mode':'on','priority':-3,'users':['bob@contoso.com'],'groups':['team@contoso.com'],'domains':['contoso.com']},"
	"    {'name':'Big','mode':'off','priority':9007199254740992}],"
	"  'remote_domains':[{'domain':'*','auto_forward':true},{'domain':'partner.com','auto_forward':false}],"
	"  'auto_forwarding_ou':[{'org_unit':'/sales','enabled':false}],"
	"  'catch_all':[{'domain':'contoso.com','target':'it@contoso.com','scope':'unknown-only','source':'config','name':'C'},"
	"    {'domain':'c.net','target':'it@contoso.com','scope':'all'}]}}",
	/* the v1 extensions (docs/snapshot.md section 9) */
	"{'schema':'aliasaudit.snapshot/1','tenant':'contoso','provider':'m365',"
	"'domains':[{'name':'contoso.com','primary':true},{'name':'hyb.contoso.com','type':'external-relay'}],"
	"'recipients':[{'address':'g@contoso.com','kind':'mail-user','guest':true,'external_address':'g@gmail.com'},"
	"  {'address':'onprem@contoso.com','kind':'mail-user','remote_mailbox':true,'external_address':'onprem@hyb.contoso.com'},"
	"  {'address':'dl@contoso.com','kind':'group','group_kind':'distribution','members':[]},"
	"  {'address':'sec@contoso.com','kind':'group','group_kind':'security','members':[]},"
	"  {'address':'m365@contoso.com','kind':'group','group_kind':'microsoft365','members':[]},"
	"  {'address':'dyn@contoso.com','kind':'group','group_kind':'dynamic','members':[]},"
	"  {'address':'c@x.org','kind':'contact','external_address':'c@x.org'}],"
	"'forwards':[{'from':'g@contoso.com','to':['a@b.c'],'via':'inbox-rule','action':'redirect'},"
	"  {'from':'g@contoso.com','to':['a@b.c'],'via':'inbox-rule','action':'forward'},"
	"  {'from':'g@contoso.com','to':['a@b.c'],'via':'transport-rule','action':'forward-as-attachment'}],"
	"'policy':{'outbound_forwarding':[{'name':'P','mode':'on','priority':1,'users':['a@contoso.com'],"
	"    'except_users':['b@contoso.com'],'except_groups':['dl@contoso.com'],'except_domains':['x.com']}],"
	"  'auto_forwarding_ou':[{'org_unit':'/','enabled':true},{'group':'dl@contoso.com','enabled':false}]}}",
	/* an incomplete snapshot may leave out domains and recipients */
	"{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','complete':false,"
	"'errors':[{'object':'directory','message':'HTTP 503','area':'recipients'}],'forwards':[]}",
	/* the minimum */
	"{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],'recipients':[]}",
	/* empty sections are kept as empty */
	"{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],'recipients':[],"
	"'forwards':[],'auto_replies':[],'send_as':[],'complete':false,"
	"'policy':{'outbound_forwarding':[],'remote_domains':[],'auto_forwarding_ou':[],'catch_all':[]}}",
	/* one policy field only */
	"{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],'recipients':[],"
	"'policy':{'plus_addressing':false}}",
	/* strings that need escaping, and non-ASCII */
	"{'schema':'aliasaudit.snapshot/1','tenant':'t \\\"q\\\" \\\\ /','provider':'p','domains':[{'name':'b\xc3\xbc.de'}],"
	"'recipients':[{'address':'j\xc3\xbcrgen@b\xc3\xbc.de','kind':'user','name':'line1\\nline2\\ttab \\u001b[0m \\u2028 \xf0\x9f\x93\xa7'}],"
	"'errors':[{'object':'<script>','message':'\\\"quoted\\\"\\r\\n'}]}",
};

/* test_roundtrip - every document of the table */
static void test_roundtrip(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(docs); i++)
		free(roundtrip(docs[i]));
}

/* test_absent_stays_absent - no has_*=false section, no unset tristate in the output */
static void test_absent_stays_absent(void **state)
{
	(void)state;
	char *out = roundtrip("{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],"
			      "'recipients':[{'address':'a@b','kind':'user'}],'send_as':[{'owner':'a@b','address':'c@b'}]}");
	static const char *const absent[] = {
		"\"forwards\"", "\"auto_replies\"", "\"policy\"", "\"errors\"", "\"enabled\"",
		"\"has_mailbox\"", "\"treat_as_alias\"", "\"verified\"", "\"aliases\"", "\"collected_at\"",
	};
	for (size_t i = 0; i < ARRAY_SIZE(absent); i++)
		if (strstr(out, absent[i])) {
			fprintf(stderr, "%s in:\n%s\n", absent[i], out);
			fail();
		}
	assert_non_null(strstr(out, "\"send_as\": ["));
	assert_non_null(strstr(out, "\"complete\": true"));
	assert_true(starts_with(out, "{\n  \"schema\": \"aliasaudit.snapshot/1\",\n  \"tenant\": \"t\",\n"));
	free(out);

	/* extensions left unsaid are not written */
	static const char *const unsaid[] = {
		"group_kind", "external_address", "guest", "remote_mailbox", "action", "except_", "\"group\":",
	};
	out = roundtrip("{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],"
			"'recipients':[{'address':'g@b','kind':'group','members':[]}],"
			"'forwards':[{'from':'g@b','to':['x@y'],'via':'inbox-rule'}],"
			"'policy':{'outbound_forwarding':[{'name':'D','mode':'on'}],"
			"'auto_forwarding_ou':[{'org_unit':'/','enabled':true}]}}");
	for (size_t i = 0; i < ARRAY_SIZE(unsaid); i++)
		if (strstr(out, unsaid[i])) {
			fprintf(stderr, "%s in:\n%s\n", unsaid[i], out);
			fail();
		}
	free(out);

	out = roundtrip("{'schema':'aliasaudit.snapshot/1','tenant':'t','provider':'p','domains':[],'recipients':[],"
			"'forwards':[],'policy':{'catch_all':[]}}");
	assert_non_null(strstr(out, "\"forwards\": []"));
	assert_non_null(strstr(out, "\"catch_all\": []"));
	assert_null(strstr(out, "remote_domains"));
	assert_null(strstr(out, "send_from_alias"));
	free(out);
}

/* test_built_model - a snapshot filled in code (as providers do) round-trips */
static void test_built_model(void **state)
{
	(void)state;
	struct snapshot *s = snapshot_new("fabrikam", "gworkspace");
	s->collected_at = "2026-11-26T06:00:00Z";
	struct snapshot_domain dom = { "fabrikam.com", DOM_AUTHORITATIVE, true };
	s->domains = &dom;
	s->nr_domains = 1;
	static const char *aliases[] = { "Sales@Fabrikam.com" };
	struct snapshot_recipient r = {
		.address = "ann@fabrikam.com", .kind = RK_USER, .enabled = TRI_TRUE,
		.has_mailbox = TRI_UNSET, .aliases = aliases, .nr_aliases = 1,
	};
	s->recipients = &r;
	s->nr_recipients = 1;
	s->has_forwards = true; /* read, none */
	s->policy.plus_addressing = TRI_FALSE;
	s->policy.has_auto_forwarding_ou = true;
	snapshot_add_error(s, "filters of ann@fabrikam.com", "HTTP 429", "forwards", "ann@fabrikam.com");

	char *out = snapshot_to_json(s);
	struct snapshot *b = parse(out);
	same_model(s, b);
	assert_false(b->complete);
	assert_true(b->has_forwards);
	assert_false(b->has_send_as);
	assert_string_equal(b->recipients[0].aliases[0], "Sales@Fabrikam.com");
	snapshot_free(b);
	free(out);
	s->domains = NULL;
	s->recipients = NULL;
	snapshot_free(s);
}

/* count_entries - files in dir whose name starts with prefix */
static int count_entries(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)))
		if (starts_with(e->d_name, prefix))
			n++;
	closedir(d);
	return n;
}

/* test_write_file - 0600, same bytes as snapshot_to_json, replaces, no temp left */
static void test_write_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/aa-snapwrite.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *path = xstrfmt("%s/snap.json", dir);
	char *json = q(docs[0]);
	struct snapshot *s = parse(json);
	char *err = NULL;

	/* an existing file with loose permissions is replaced, not rewritten in place */
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("old", f);
	fclose(f);
	chmod(path, 0644);

	assert_int_equal(snapshot_write_file(s, path, &err), 0);
	assert_null(err);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	struct snapshot *b = NULL;
	assert_int_equal(snapshot_read_file(path, &b, &err), 0);
	same_model(s, b);
	assert_string_equal(b->source, path);
	snapshot_free(b);

	char *text = snapshot_to_json(s);
	f = fopen(path, "r");
	assert_non_null(f);
	char *got = xmalloc(strlen(text) + 2);
	size_t n = fread(got, 1, strlen(text) + 1, f);
	fclose(f);
	assert_int_equal(n, strlen(text));
	assert_memory_equal(got, text, n);
	free(got);
	free(text);
	assert_int_equal(count_entries(dir, "snap.json.tmp"), 0);

	/* a directory that does not exist: one line naming the file */
	char *bad = xstrfmt("%s/missing/snap.json", dir);
	assert_int_equal(snapshot_write_file(s, bad, &err), -1);
	assert_true(starts_with(err, bad));
	assert_null(strchr(err, '\n'));
	free(err);
	free(bad);

	snapshot_free(s);
	free(json);
	unlink(path);
	rmdir(dir);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_absent_stays_absent),
		cmocka_unit_test(test_built_model),
		cmocka_unit_test(test_write_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
