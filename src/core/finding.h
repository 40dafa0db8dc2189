/*
 * finding.h - one problem found by a check, and the list an audit produces.
 *
 * A finding owns its strings (heap, freed by finding_list_release). Its id is
 * stable across runs: a hash of the check, the tenant, the subject and the
 * canonical form of the path (see finding_set_id), so history can diff runs.
 */
#ifndef ALIASAUDIT_FINDING_H
#define ALIASAUDIT_FINDING_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

enum severity { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL };
#define SEV_COUNT 5

const char *severity_name(enum severity s);
/* severity_parse - name to severity, -1 if unknown */
int severity_parse(const char *s);

/* fix_def - a documented fix; static data in the check catalog */
struct fix_def {
	const char *id;       /* "m365.inbox-rule.disable" */
	bool automated;       /* `aliasaudit fix` can apply it */
	const char *title;
	const char *steps;    /* exact manual steps (admin-console path or cmdlet) */
};

/* hop - one address on a finding's path. via says how mail got here from the
 * previous hop ("start" for the first); object names the rule/forward/group. */
struct hop {
	char *address;
	char *via;
	char *object; /* may be NULL */
};

struct check_def;

struct finding {
	char id[24];                 /* "f-" + 16 hex digits */
	const struct check_def *check;
	enum severity severity;
	char *tenant, *provider;
	char *subject;
	char *summary;
	const char *symptom_code, *symptom_text; /* static */
	struct hop *path; size_t nr_path, alloc_path;
	cJSON *evidence;             /* object, owned; never NULL after finding_new */
	const struct fix_def *fix;   /* static */
	const char *const *refs;     /* static, NULL-terminated; defaults to check->refs */
	char *fix_note;              /* optional: why this fix (e.g. where a loop is broken) */
};

/* not_evaluated - a check that could not run (a field the snapshot lacks, a
 * truncated walk); it makes the audit incomplete (exit 3), never clean. */
struct not_evaluated {
	const char *check;  /* check id (static) */
	char *tenant;
	char *reason;
};

struct finding_list {
	struct finding *items; size_t nr, alloc;
	struct not_evaluated *gaps; size_t nr_gaps, alloc_gaps;
};

/* finding_new - append a finding for check; strings are copied. The caller
 * then adds hops and evidence, then calls finding_set_id. The pointer is
 * valid until the next finding_new on the same list. */
struct finding *finding_new(struct finding_list *l, const struct check_def *check,
			    const char *tenant, const char *provider,
			    const char *subject, const char *summary_fmt, ...)
	__attribute__((format(printf, 6, 7)));
void finding_add_hop(struct finding *f, const char *address, const char *via,
		     const char *object);
/* finding_set_id - compute the stable id from check, tenant, subject and key
 * (a caller-chosen canonical description, e.g. a rotated loop; NULL: the path) */
void finding_set_id(struct finding *f, const char *key);
/* finding_list_gap - record that check could not be evaluated for tenant */
void finding_list_gap(struct finding_list *l, const char *check, const char *tenant,
		      const char *reason_fmt, ...) __attribute__((format(printf, 4, 5)));
/* finding_list_sort - most severe first, then check id, tenant, subject, id;
 * gaps sorted by check, tenant, reason, with duplicates dropped */
void finding_list_sort(struct finding_list *l);
/* finding_release - free what f owns (not f itself) */
void finding_release(struct finding *f);
void finding_list_release(struct finding_list *l);

#endif
