/*
 * gws_platform.c - how Gmail (Google Workspace) really moves mail
 * (core/platform.h), as data for the routing graph and the route.* checks.
 * Every number and code below names the public source it follows.
 */
#include "core/platform.h"
#include "core/snapshot.h"

const struct platform_rules gworkspace_platform = {
	.name = "Gmail",
	/* Gmail has no inbox-rule or transport-rule loop counter of its own; it
	 * keeps existing headers when it forwards, so Exchange's
	 * X-MS-Exchange-Inbox-Rules-Loop survives a Gmail hop (Exchange Team Blog
	 * "Loop Prevention in Exchange Online Demystified": the header is
	 * preserved) */
	.inbox_rule_loop_limit = 0,
	.rule_max_recipients = 0,
	.transport_rule_loop_limit = 0,
	/* Google Workspace Admin Help "Gmail sending limits in Google Workspace":
	 * "Auto-forward mail filters - Account filters that automatically forward
	 * mail: 20". Which filters Gmail drops beyond 20 is not documented: the
	 * tool takes the snapshot's order and says so. */
	.filter_forward_limit = 20,
	/* Google Workspace Admin Help "Gmail SMTP errors and codes": "554 5.4.6
	 * Message exceeded 50 hops, this may indicate a mail loop" (also
	 * Sisimai's Google bounce table) */
	.loop_bounce_code = "554 5.4.6",
	.loop_bounce_text = "Message exceeded 50 hops, this may indicate a mail loop",
	.loop_hop_limit = 50,
	.loop_trace = "Email Log Search: the message bounces with 554 5.4.6 after 50 hops; "
		      "the sender gets the bounce",
	/* a suspended user's mail is not delivered or forwarded (docs/snapshot.md,
	 * Decisions: forwards live in a mailbox) */
	.disabled_account_forwards = false,
	.documented_vias = 1u << VIA_GMAIL_AUTOFORWARD | 1u << VIA_GMAIL_FILTER | 1u << VIA_ROUTING,
	.sources = "Gmail SMTP errors and codes (Google Workspace Admin Help, 5.4.6); 'Gmail "
		   "sending limits in Google Workspace' (20 auto-forward mail filters)",
};
