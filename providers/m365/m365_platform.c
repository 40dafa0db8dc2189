/*
 * m365_platform.c - how Exchange Online really moves mail (core/platform.h),
 * as data for the routing graph and the route.* checks. Every number and
 * code below names the public source it follows.
 */
#include "core/platform.h"
#include "core/snapshot.h"

const struct platform_rules m365_platform = {
	.name = "Exchange Online",
	/* "the number of times a message can be redirected, forwarded, or
	 * replied to automatically is limited to 1" (header
	 * X-MS-Exchange-Inbox-Rules-Loop, preserved across Exchange
	 * organisations): Exchange Team Blog "Loop Prevention in Exchange Online
	 * Demystified" (2021); Exchange Online limits, "Journal, Transport, and
	 * Inbox rule limits"; Oxford Nexus "Email loops - what happens, when, and
	 * why" (2021: "if the value is 1/1 then the message will be silently
	 * dropped") */
	.inbox_rule_loop_limit = 1,
	.inbox_rule_stop_trace = "message trace: Source MAILBOXRULE, event THROTTLE, "
				 "reference XLoopHeaderCount:1/1 (no NDR)",
	/* "a redirecting rule ... can add a maximum of ten forwarding recipients":
	 * Exchange Online limits; Microsoft support KB 4021948 "Inbox rule to
	 * forward messages doesn't work in Office 365" (rules forwarding to 10 or
	 * more recipients fail, so 10 is flagged as at the limit) */
	.rule_max_recipients = 10,
	/* X-MS-Exchange-Transport-Rules-Loop, limit 1: "550 5.7.128
	 * TRANSPORT.RULES.RejectMessage; Transport rules loop count exceeded and
	 * message rejected": Exchange Online limits; Oxford Nexus (above);
	 * Exchange Team Blog (above) */
	.transport_rule_loop_limit = 1,
	.transport_rule_loop_code = "550 5.7.128",
	.transport_rule_loop_text = "TRANSPORT.RULES.RejectMessage; Transport rules loop count "
				    "exceeded and message rejected",
	/* mailbox forwarding (ForwardingSmtpAddress/ForwardingAddress) wins over
	 * the same mailbox's redirect inbox rule: Microsoft support KB 3069075
	 * "Inbox rule to redirect messages not working" */
	.mailbox_forwarding_overrides_redirect_rule = true,
	/* "554 5.4.14 Hop count exceeded - possible mail loop": Microsoft Learn
	 * "Fix NDR error 554 5.4.14 in Exchange Online" (NDR codes 5.4.6 through
	 * 5.4.20); X-LD-Processed lets a message loop at most 3 times per tenant
	 * (Exchange Team Blog, above). The hop limit orders cross-platform stops:
	 * the NDR article's loop is broken after about 20 iterations. */
	.loop_bounce_code = "554 5.4.14",
	.loop_bounce_text = "Hop count exceeded - possible mail loop",
	.loop_hop_limit = 20,
	.loop_trace = "message trace: the message Fails with 554 5.4.14 and an NDR to the sender; "
		      "the Mail flow dashboard raises the 'Fix possible mail loop' insight",
	/* an account whose sign-in is blocked still receives and forwards
	 * (docs/snapshot.md, routing; sign-in state is not mailbox state) */
	.disabled_account_forwards = true,
	.documented_vias = 1u << VIA_MAILBOX | 1u << VIA_INBOX_RULE | 1u << VIA_TRANSPORT_RULE,
	.sources = "Exchange Online limits (service description, 'Journal, Transport, and Inbox "
		   "rule limits'); Exchange Team Blog 'Loop Prevention in Exchange Online "
		   "Demystified'; KB 4021948; KB 3069075; 'Fix NDR error 554 5.4.14 in Exchange "
		   "Online'",
};
