/*
 * provider.h - the one interface between the core and a mail platform.
 *
 * A provider is a single `const struct provider_ops` with designated
 * initialisers (providers/<name>/<name>.c), listed in provider.c. The core
 * never knows which vendor it talks to: it opens a session for a tenant,
 * collects a snapshot, and (for `fix`) asks the provider to plan, read,
 * apply and revert changes. Providers never print user-facing text; they
 * return messages through char **err (caller frees).
 *
 * Ownership: a provider_session is the provider's, freed by close(). A
 * snapshot returned by collect() is the caller's (snapshot_free). A
 * fix_change's strings are owned by the plan (fix_plan_release).
 */
#ifndef ALIASAUDIT_PROVIDER_H
#define ALIASAUDIT_PROVIDER_H

#include "core/config.h"
#include "core/finding.h"
#include "core/platform.h"
#include "core/snapshot.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* run_options - what the command line passes down to providers */
struct run_options {
	int concurrency;      /* -j / config concurrency; >= 1 */
	bool progress;        /* progress on stderr is wanted */
	bool write_access;    /* fix --apply: request write scopes now */
	const char *trace;    /* --trace FILE: Chrome trace events of the collection, or NULL */
};

struct progress;


/* provider_session - provider-private state embeds this as its first member */
struct provider_session {
	const struct provider_ops *ops;
	const struct config *cfg;
	const struct tenant_config *tenant;
	/* where collect reports objects read (core/progress.h progress_objects);
	 * set by the core, may be NULL */
	struct progress *progress;
};

/* fix_change - one planned change on one object. Values are JSON texts so the
 * journal and the plan can print and compare them without knowing the type. */
struct fix_change {
	char *tenant, *provider;
	char *object;        /* "mailbox bob@contoso.com", "inbox rule 'Fwd' of bob@..." */
	char *setting;       /* "ForwardingSmtpAddress" */
	char *old_value;     /* JSON text: the value the plan expects now */
	char *new_value;     /* JSON text */
	char **finding_ids; size_t nr_finding_ids;
	bool reversible;
	char *fix_id;        /* the fix_def id it implements */
	cJSON *params;       /* provider-private: what apply/revert need (owned) */
	/* what the change does to the snapshot, vendor-neutral (core/fix_simulate.h:
	 * set/add/remove on snapshot JSON sections); NULL: it cannot be simulated,
	 * so it is never part of the default plan. Owned; not journaled. */
	cJSON *effect;
	char *note;          /* why this change and not another (the plan prints it), or NULL */
	bool chosen;         /* made only because the user named a --fix-variant: an
			      * explicit choice, applied even if it introduces findings */
};

struct fix_plan {
	struct fix_change *changes; size_t nr, alloc;
};
/* fix_change_release - free what c owns; fix_plan_release - every change and the array */
void fix_change_release(struct fix_change *c);
void fix_plan_release(struct fix_plan *p);

enum provider_caps {
	PROVIDER_CAN_COLLECT = 1 << 0,
	PROVIDER_CAN_FIX = 1 << 1,
};

struct provider_ops {
	const char *name;     /* the config's provider = value */
	unsigned caps;
	/* how this provider's platform moves mail (core/platform.h); NULL: standard MTA */
	const struct platform_rules *platform;
	/* the DNS a domain it hosts publishes (core/platform.h); NULL: unknown */
	const struct platform_dns *dns;

	/* open - check the tenant's config and credentials (no network yet).
	 * Returns a session, or NULL with *err (a usage/config error: exit 2). */
	struct provider_session *(*open)(const struct config *cfg,
					 const struct tenant_config *t,
					 const struct run_options *opt, char **err);

	/* collect - read the tenant into a new snapshot (*out, caller frees).
	 * Returns 0 when the snapshot is complete, 1 when some objects failed
	 * (recorded in the snapshot's errors, complete=false), -1 when nothing
	 * could be read (authentication, configuration) with *err. */
	int (*collect)(struct provider_session *ps, struct snapshot **out, char **err);

	/* plan_fix - append the changes that resolve finding f to plan (optional).
	 * variant selects among documented fixes ("scoped", "org-wide",
	 * "stop-forwarding"); NULL is the reversible default. Returns the number of
	 * changes added, 0 when none is automated, -1 with *err. */
	int (*plan_fix)(struct provider_session *ps, const struct snapshot *snap,
			const struct finding *f, const char *variant,
			struct fix_plan *plan, char **err);

	/* read_value - the live value of c's setting now, as JSON text (*out,
	 * caller frees), for compare-and-swap. 0 or -1 with *err. */
	int (*read_value)(struct provider_session *ps, const struct fix_change *c,
			  char **out, char **err);

	/* apply_change / revert_change - write c's new (or old) value.
	 * 0 or -1 with *err; never partially applied. */
	int (*apply_change)(struct provider_session *ps, const struct fix_change *c, char **err);
	int (*revert_change)(struct provider_session *ps, const struct fix_change *c, char **err);

	/* tenant_key - the tenant's immutable id (*out, caller frees): what a fix
	 * journal is bound to, so undo never reverts another tenant configured
	 * under the same name. May read it live. 0 or -1 with *err. */
	int (*tenant_key)(struct provider_session *ps, char **out, char **err);

	/* close - free the session (NULL is allowed) */
	void (*close)(struct provider_session *ps);

	/* --- data the core and the checks read instead of naming a vendor --- */
	/* sections - the snapshot sections collect always fills ("forwards",
	 * "policy.remote_domains", ...; NULL-terminated): a snapshot of this
	 * provider without one is a gap (not evaluated), never "nothing found" */
	const char *const *sections;
	/* srs_note - whether the platform rewrites the envelope sender of mail it
	 * forwards out (SRS), for forward.external-auth's evidence; NULL: unknown */
	const char *srs_note;
	/* tenant_from_env - without a config file: add the tenant the platform's
	 * usual environment variables describe (config_add_tenant, tenant_set).
	 * 0 when they name none, 1 when one was added, -1 with *err when they are
	 * half set. Optional. */
	int (*tenant_from_env)(struct config *cfg, char **err);
};

/* provider_registry - every provider, NULL-terminated (providers/registry.c:
 * the one place that names them) */
extern const struct provider_ops *const provider_registry[];
/* provider_find - the provider called name, or NULL */
const struct provider_ops *provider_find(const char *name);
/* provider_names - the registry's names, "m365, gworkspace" (static) */
const char *provider_names(void);
/* provider_of - the provider a snapshot came from, or NULL (hand-written) */
const struct provider_ops *provider_of(const struct snapshot *s);

/* The wrappers: the core calls a provider only through these. An operation
 * the provider lacks (a NULL op) is "unsupported": -1 with *err naming the
 * provider and the operation, except provider_plan_fix, which then plans
 * nothing (0: the finding's fix is done by hand). */
struct provider_session *provider_open(const struct config *cfg, const struct tenant_config *t,
				       const struct run_options *opt, char **err);
int provider_collect(struct provider_session *ps, struct snapshot **out, char **err);
int provider_plan_fix(struct provider_session *ps, const struct snapshot *snap,
		      const struct finding *f, const char *variant, struct fix_plan *plan, char **err);
int provider_read_value(struct provider_session *ps, const struct fix_change *c, char **out,
			char **err);
int provider_apply_change(struct provider_session *ps, const struct fix_change *c, char **err);
int provider_revert_change(struct provider_session *ps, const struct fix_change *c, char **err);
void provider_close(struct provider_session *ps);

#endif
