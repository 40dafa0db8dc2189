/*
 * snapfixture.h - build snapshots for unit tests from compact inline JSON.
 *
 * Test JSON is written with single quotes (converted to double quotes here)
 * so tables of cases stay readable. mk_snap adds the boilerplate: schema,
 * tenant (the domain's first label), provider and the one domain.
 */
#ifndef SNAPFIXTURE_H
#define SNAPFIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/snapshot.h"
#include "base/util.h"

/* mk_snap - parse a snapshot for provider with the single domain dom and the
 * extra top-level fields body (single-quoted JSON, no leading comma) */
static inline struct snapshot *mk_snap(const char *provider, const char *dom, const char *body)
{
	char tenant[64];
	size_t n = strcspn(dom, ".");
	snprintf(tenant, sizeof(tenant), "%.*s", (int)n, dom);
	char *json = xstrfmt("{'schema':'aliasaudit.snapshot/1','tenant':'%s','provider':'%s',"
			     "'domains':[{'name':'%s','type':'authoritative','primary':true}]%s%s}",
			     tenant, provider, dom, body && *body ? "," : "", body ? body : "");
	for (char *p = json; *p; p++)
		if (*p == '\'')
			*p = '"';
	struct snapshot *s = NULL;
	char *err = NULL;
	if (snapshot_parse("test.json", json, strlen(json), &s, &err)) {
		fprintf(stderr, "fixture does not parse: %s\n%s\n", err, json);
		free(err);
		free(json);
		fail();
	}
	free(json);
	return s;
}

#endif
