/*
 * platform.h - how a mail platform really moves mail (README "How each
 * platform moves mail"), as data. Each provider points its provider_ops at
 * one of these; the routing graph and the checks read the rules from here
 * and never ask which vendor a snapshot came from. A snapshot whose provider
 * no registered provider claims (a hand-written one) gets
 * platform_standard_mta: the outcome is then predicted from standard MTA
 * behaviour, and findings say so.
 *
 * Every number and code here must cite the public source it follows in the
 * provider's definition (and in the catalog entry of the check that uses it).
 */
#ifndef ALIASAUDIT_PLATFORM_H
#define ALIASAUDIT_PLATFORM_H

#include <stdbool.h>

struct platform_rules {
	const char *name;                 /* "Exchange Online", "Gmail", "Postfix" */
	/* a message forwarded or redirected by an inbox rule is not forwarded
	 * again by an inbox rule more than this many times (Exchange Online: 1,
	 * X-MS-Exchange-Inbox-Rules-Loop); 0: no such limit */
	int inbox_rule_loop_limit;
	/* a forwarding/redirecting rule with more recipients than this is not
	 * applied at all (Exchange Online: 10); 0: no limit known */
	int rule_max_recipients;
	/* a message redirected by a transport rule this many times is rejected
	 * (Exchange Online: 1, 550 5.7.128); 0: no limit */
	int transport_rule_loop_limit;
	const char *transport_rule_loop_code, *transport_rule_loop_text;
	/* mailbox forwarding overrides the same mailbox's redirect inbox rule */
	bool mailbox_forwarding_overrides_redirect_rule;
	/* forwarding filters beyond this many per user do not forward (Gmail: 20); 0: none */
	int filter_forward_limit;
	/* a forwarding cycle bounces with this (Exchange Online 554 5.4.14,
	 * Gmail 554 5.4.6 after 50 hops) */
	const char *loop_bounce_code, *loop_bounce_text;
	/* a cycle made only of this platform's own routing aliases (forwards
	 * via "routing" inside one snapshot) never leaves the server: it is
	 * stopped by alias expansion with this reply (Postfix: 451 4.6.0 at the
	 * end of DATA, virtual_alias_recursion_limit); NULL: like any loop */
	const char *alias_cycle_code, *alias_cycle_text;
	/* forward hops a message may have made before this platform refuses to
	 * forward it again with loop_bounce_code (Gmail 50); along a cycle the
	 * platform whose limit is reached first stops the mail */
	int loop_hop_limit;
	/* what the platform's own trace shows where the inbox-rule loop limit
	 * stops a message, and where a loop bounces (for findings' evidence) */
	const char *inbox_rule_stop_trace, *loop_trace;
	/* the forward kinds (1 << enum forward_via) whose behaviour this
	 * platform documents; a cycle through any other kind is predicted from
	 * standard MTA behaviour, and the finding says so */
	unsigned documented_vias;
	/* forwards of a disabled recipient still fire (Exchange Online: a
	 * blocked sign-in still receives and forwards; Gmail: a suspended user's
	 * forwards do not) */
	bool disabled_account_forwards;
	/* the public sources of the rules above, for catalog entries and notes */
	const char *sources;
	/* true for platform_standard_mta: predictions are from MTA behaviour,
	 * not from this platform's documentation */
	bool assumed;
};

/* platform_standard_mta - the rules for a snapshot no provider claims */
extern const struct platform_rules platform_standard_mta;

/* platform_for - the rules of the provider called provider_name (a
 * snapshot's "provider"), or &platform_standard_mta; never NULL */
const struct platform_rules *platform_for(const char *provider_name);

/* platform_dns - what a domain whose mail this platform hosts publishes in
 * DNS (the dns.* checks); provider data like platform_rules, hung on
 * provider_ops.dns. Every value cites its public source in the provider's
 * definition. */
struct platform_dns {
	const char *name;                   /* "Exchange Online" */
	/* MX hosts that are this platform, NULL-terminated: "host" exactly, or
	 * "*.suffix" for any host under suffix */
	const char *const *mx_hosts;
	const char *mx_hint;                /* what the MX should be, for findings */
	/* include: domains that authorise it (any one), NULL-terminated; the
	 * first is the one to add */
	const char *const *spf_includes;
	const char *const *dkim_selectors;  /* NULL-terminated */
	bool dkim_all_selectors;            /* every selector must publish (key rotation) */
	const char *sources;
};

/* platform_dns_for - the DNS expectations of the provider called
 * provider_name, or NULL when none is known (a hand-written snapshot) */
const struct platform_dns *platform_dns_for(const char *provider_name);

#endif
