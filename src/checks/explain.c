/*
 * explain.c - the bounce-code table and its lookup (see explain.h).
 *
 * Each entry's .source names the public document it follows (Microsoft Learn:
 * the Exchange Online NDR reference, "Control automatic external email
 * forwarding", SRS; RFC 7208/7489; the OpenSMTPD and Postfix sources for
 * 5.2.4 / 4.6.0 / 5.4.6); the user sees it. An entry whose text is known only
 * from public logs is marked unverified.
 */
#include "checks/explain.h"
#include "base/strbuf.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define DEFENDER_OUTBOUND \
	"Microsoft Defender portal > Email & collaboration > Policies & rules > Threat policies > " \
	"Anti-spam > Anti-spam outbound policy (Default and custom): 'Automatic forwarding rules'"

#define HEADERS_HINT \
	"A copy that did arrive (or the sender's bounce) tells what happened on the way: " \
	"'aliasaudit headers message.eml' reads Authentication-Results, ARC and Received and " \
	"says whether SPF failed at the forwarding hop and whether SRS was applied."

static const struct explain_entry entries[] = {
	{
		.basic = "550", .enhanced = "5.7.520",
		.title = "Access denied: your organization does not allow external forwarding",
		.text = "550 5.7.520 Access denied, Your organization does not allow external forwarding. "
			"Please contact your administrator for further assistance. AS(7555)",
		.origin = "Exchange Online, sent to the original sender of a message that a mailbox "
			  "tried to forward outside the organization",
		.source = "Microsoft Learn, Control automatic external email forwarding in Microsoft 365 "
			  "(https://learn.microsoft.com/defender-office-365/outbound-spam-policies-external-email-forwarding)",
		.verified = true,
		.see_also = "Once forwarding is allowed, forwarded mail can still fail SPF/DMARC at the "
			    "receiver: 'aliasaudit audit --check forward.external-auth', and "
			    "'aliasaudit headers' on a message that arrived.",
		.causes = {
			{
				.title = "The outbound spam policy blocks automatic forwarding",
				.detail = "A mailbox forward (ForwardingSmtpAddress / ForwardingAddress) or an "
					  "inbox rule that forwards or redirects sends mail to an outside address, "
					  "and the outbound spam policy that applies to the mailbox has "
					  "AutoForwardingMode Off, or Automatic, which Microsoft now treats as Off. "
					  "Forwarding inside the organization is never affected.",
				.look = DEFENDER_OUTBOUND ". PowerShell: Get-HostedOutboundSpamFilterPolicy | "
					"Format-Table Name,IsDefault,AutoForwardingMode; Get-HostedOutboundSpamFilterRule "
					"(which custom policy covers the sender: the lowest Priority wins, Default "
					"covers everyone else); Get-Mailbox USER | Format-List ForwardingSmtpAddress,"
					"ForwardingAddress,DeliverToMailboxAndForward; Get-InboxRule -Mailbox USER.",
				.fix = "If this forward is wanted: a custom outbound policy with AutoForwardingMode "
				       "On scoped to exactly the mailboxes that must forward "
				       "(New-HostedOutboundSpamFilterPolicy -Name NAME -AutoForwardingMode On; "
				       "New-HostedOutboundSpamFilterRule -Name NAME -HostedOutboundSpamFilterPolicy "
				       "NAME -From USER). The article's tenant-wide switch (Default policy: 'On - "
				       "Forwarding is enabled') works too, but opens forwarding for every mailbox "
				       "(CIS M365 6.2.1 and CISA MS.EXO.1.1v2 want it off). If the forward is not "
				       "wanted: clear the mailbox forwarding or disable the inbox rule "
				       "('aliasaudit fix --check forward.blocked' plans either).",
				.checks = { "forward.blocked" },
			},
			{
				.title = "Another control blocks it although the policy allows it",
				.detail = "When one setting allows external forwarding and another blocks it, the "
					  "block wins: a remote domain with AutoForwardEnabled $false for the target's "
					  "domain, or a mail flow (transport) rule, stops the forward even with the "
					  "outbound policy On.",
				.look = "Exchange admin center > Mail flow > Remote domains (Default '*' and the "
					"target's domain): 'Allow automatic forwarding'; Get-RemoteDomain | "
					"Format-Table Name,DomainName,AutoForwardEnabled; Get-TransportRule.",
				.fix = "Allow automatic forwarding on a remote domain for exactly the target's "
				       "domain (New-RemoteDomain -DomainName DOMAIN; Set-RemoteDomain DOMAIN "
				       "-AutoForwardEnabled $true) and keep the Default '*' off.",
				.checks = { "forward.blocked" },
			},
		},
	},
	{
		.basic = "554", .enhanced = "5.4.14",
		.title = "Hop count exceeded - possible mail loop",
		.text = "554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [SERVER.prod.protection.outlook.com]",
		.origin = "Exchange Online (Exchange Server on premises says 5.4.6)",
		.source = "Microsoft Learn, Fix NDR error codes 5.4.6 through 5.4.20 in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-4-6-through-5-4-20-in-exchange-online)",
		.verified = true,
		.causes = {
			{
				.title = "A forwarding loop",
				.detail = "Addresses forward to each other: an alias or group delivers to a mailbox "
					  "whose mailbox forwarding or inbox rule sends the mail back (info@ -> admin@, "
					  "admin@ forwards everything to info@ 'for archiving'), possibly across two "
					  "tenants. Each pass adds a Received header until the hop limit (about 20) "
					  "stops it.",
				.look = "On every mailbox in the path: Get-Mailbox USER | Format-List Forwarding*; "
					"Get-InboxRule -Mailbox USER (forward/redirect actions); groups the mailbox is "
					"a member of; Get-TransportRule (redirect actions). Outlook: File > Manage "
					"Rules & Alerts. Gmail: Settings > Forwarding and POP/IMAP, and Filters.",
				.fix = "Break the cycle at the edge nobody needs: disable the inbox rule "
				       "(Disable-InboxRule, reversible) or clear the mailbox forwarding, and point "
				       "aliases straight at the final mailbox. Keep alias expansion before "
				       "user-level rules.",
				.checks = { "route.loop" },
			},
			{
				.title = "Automatic replies or forwards answering each other",
				.detail = "An out-of-office reply or auto-forward inside the loop keeps it going (the "
					  "article: 'Remove auto-replies or circular forwards').",
				.look = "Automatic replies of the mailboxes in the path (Outlook: File > Automatic "
					"Replies; Get-MailboxAutoReplyConfiguration USER).",
				.fix = "Turn off the automatic reply or the forward inside the cycle.",
				.checks = { "route.loop" },
			},
			{
				.title = "Domain or connector routing that points back at itself",
				.detail = "An accepted domain of the wrong type (Internal relay pointing to a server "
					  "that sends it back), a hybrid connector or MX record that routes the domain "
					  "back to Exchange Online.",
				.look = "Exchange admin center > Mail flow > Accepted domains (Authoritative vs "
					"Internal relay) and Connectors; the domain's MX record.",
				.fix = "Make exactly one system authoritative for each domain and route the rest "
				       "to it once.",
			},
		},
	},
	{
		.basic = "554", .enhanced = "5.4.6",
		.title = "Mail loop (routing loop or forwarding loop detected)",
		.text = "554 5.4.6 Hop count exceeded - possible mail loop   (Postfix: \"5.4.6 mail "
			"forwarding loop for ADDRESS\", \"5.4.6 recipient nesting limit exceeded\")",
		.origin = "Gmail (\"Message exceeded 50 hops, this may indicate a mail loop\"); Exchange "
			  "Server on premises; Postfix local(8); other MTAs",
		.source = "Microsoft Learn, Fix NDR error codes 5.4.6 through 5.4.20 in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/fix-error-code-5-4-6-through-5-4-20-in-exchange-online); "
			  "Postfix source, src/local/recipient.c (recipient nesting limit); Google Workspace "
			  "Admin Help, Gmail SMTP errors and codes (5.4.6, 50 hops)",
		.verified = true,
		.causes = {
			{
				.title = "A Gmail forwarding loop (50 hops)",
				.detail = "Gmail auto-forwarding, forwarding filters or routing send the mail round a "
					  "cycle (a user forwarding to an address that forwards back, or to one of "
					  "their own aliases while keeping a copy); Gmail bounces it after 50 hops.",
				.look = "Gmail: Settings > Forwarding and POP/IMAP, and Filters and Blocked "
					"Addresses, of every account in the path; Admin console > Apps > Google "
					"Workspace > Gmail > Routing / Default routing.",
				.fix = "Turn off the forward or filter that closes the cycle; forward to a mailbox "
				       "that keeps the mail, never back into the cycle.",
				.checks = { "route.loop" },
				.match = "50 hops",
			},
			{
				.title = "A forwarding loop",
				.detail = "As 5.4.14: aliases, forwards, rules or groups send the mail around in a "
					  "circle, across systems too (Postfix notices its own Delivered-To header "
					  "coming back).",
				.look = "Forwarding and rules of every address in the path; .forward files and "
					"virtual alias maps on Unix MTAs.",
				.fix = "Remove one edge of the cycle; point aliases straight at the final mailbox.",
				.checks = { "route.loop" },
				.match = "loop",
			},
			{
				.title = "Aliases nested too deep",
				.detail = "An alias expands into an alias into an alias... beyond the server's "
					  "nesting limit (Postfix local(8): 100).",
				.look = "The alias chain (aliasaudit prints it as the finding's path).",
				.fix = "Flatten the chain: contact@ -> bob@ and info@ -> bob@ instead of "
				       "contact@ -> info@ -> bob@.",
				.checks = { "route.chain", "route.loop" },
				.match = "nesting",
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.7.128",
		.title = "Transport rules loop count exceeded and message rejected",
		.text = "550 5.7.128 TRANSPORT.RULES.RejectMessage; Transport rules loop count exceeded and "
			"message rejected",
		.origin = "Exchange Online, when a message that a transport (mail flow) rule already "
			  "redirected is redirected by a transport rule again (limit 1, header "
			  "X-MS-Exchange-Transport-Rules-Loop; also across Exchange Online organisations)",
		.source = "Microsoft Learn: Exchange Online limits ('Journal, Transport, and Inbox rule "
			  "limits'); Exchange Team Blog 'Loop Prevention in Exchange Online Demystified' "
			  "(2021); Oxford Nexus 'Email loops - what happens, when, and why' (2021)",
		.verified = true,
		.causes = {
			{
				.title = "Two redirecting transport rules on the way",
				.detail = "A mail flow rule redirects mail to an address whose mail another "
					  "transport rule redirects again (in the same or another Exchange Online "
					  "organisation): the second redirect is refused and the sender gets this NDR.",
				.look = "Exchange admin center > Mail flow > Rules (redirect / add recipient actions) in "
					"every organisation on the path; Get-TransportRule | Where RedirectMessageTo.",
				.fix = "Redirect once, straight to the final address; let the second organisation "
				       "deliver instead of redirecting again.",
				.checks = { "route.platform-limit", "route.loop" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "MAILBOXRULE",
		.title = "Silent stop: the inbox-rule loop limit (no NDR)",
		.text = "no bounce: message trace shows Source MAILBOXRULE, Event THROTTLE, "
			"Reference XLoopHeaderCount:1/1",
		.origin = "Exchange Online, when a message that an inbox rule already forwarded or "
			  "redirected reaches a mailbox whose own inbox rule would forward it again "
			  "(X-MS-Exchange-Inbox-Rules-Loop, limit 1; the header survives other Exchange "
			  "organisations and Gmail forwarding)",
		.source = "Microsoft Learn: Exchange Online limits ('Journal, Transport, and Inbox rule "
			  "limits'); Exchange Team Blog 'Loop Prevention in Exchange Online Demystified'; "
			  "Oxford Nexus 'Email loops - what happens, when, and why'",
		.verified = true,
		.causes = {
			{
				.title = "A second inbox rule on the way",
				.detail = "A -> (inbox rule) B -> (inbox rule) C: B's rule does not fire for mail "
					  "that A's rule forwarded, so C never gets mail sent to A (it does get mail "
					  "sent to B). A cycle through an inbox rule stops the same way: duplicates "
					  "at worst, never a bounce.",
				.look = "Message trace of a message sent to the first address (Exchange admin "
					"center > Mail flow > Message trace: the THROTTLE event); Get-InboxRule "
					"-Mailbox B.",
				.fix = "Point the first rule (or an alias) straight at the final address, or use "
				       "mailbox forwarding (ForwardingSmtpAddress) for the second hop.",
				.checks = { "route.platform-limit" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.srs-missing",
		.title = "SPF failed at a forwarding hop and the forwarder did not rewrite the envelope sender (no SRS)",
		.text = "aliasaudit headers diagnosis headers.srs-missing (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "SPF failed at a forwarding hop and the forwarder did not rewrite the envelope sender (no SRS)",
				.detail = "A server forwarded the message with the original envelope sender; the next receiver checked SPF against the forwarder's IP and it failed.",
				.look = "The Received and Authentication-Results headers of the hop after the forwarder; the Return-Path (no SRS0=/SRS1=/+SRS= form).",
				.fix = "Forward from a system that applies SRS (Exchange Online does), or deliver instead of forwarding; senders should sign with aligned DKIM.",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.spf-fail",
		.title = "SPF failed",
		.text = "aliasaudit headers diagnosis headers.spf-fail (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "SPF failed",
				.detail = "The sending IP is not authorised by the envelope sender's SPF record at that hop (after a forward this is expected without SRS).",
				.look = "Authentication-Results spf= and smtp.mailfrom at each hop.",
				.fix = "Publish the sender's real outbound IPs in SPF; for forwarded mail use SRS or rely on aligned DKIM.",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.srs-applied",
		.title = "SRS rewrote the envelope sender",
		.text = "aliasaudit headers diagnosis headers.srs-applied (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "SRS rewrote the envelope sender",
				.detail = "A forwarder rewrote the envelope sender (SRS0/SRS1 or Exchange +SRS=), so SPF is checked against the forwarder's domain.",
				.look = "Return-Path and Authentication-Results after the forwarding hop.",
				.fix = "Nothing to fix for SPF; DMARC still needs aligned DKIM from the original sender.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.srs-spf-fail",
		.title = "SPF failed although SRS was applied",
		.text = "aliasaudit headers diagnosis headers.srs-spf-fail (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "SPF failed although SRS was applied",
				.detail = "The forwarder rewrote the envelope sender but its own domain's SPF does not cover the IP it sent from.",
				.look = "The forwarder's SPF record and the sending IP in Received.",
				.fix = "Add the forwarder's outbound IPs to its domain's SPF record.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.srs-hash-bad",
		.title = "An SRS address whose hash does not verify",
		.text = "aliasaudit headers diagnosis headers.srs-hash-bad (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "An SRS address whose hash does not verify",
				.detail = "The SRS address looks rewritten but its hash is malformed or was altered, so bounces to it may be refused.",
				.look = "The Return-Path's SRS0/SRS1 hash field.",
				.fix = "Check the forwarder's SRS secret and that nothing rewrites the address again.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.srs-expired",
		.title = "An SRS address older than its validity window",
		.text = "aliasaudit headers diagnosis headers.srs-expired (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "An SRS address older than its validity window",
				.detail = "The SRS timestamp is out of date: a bounce to it would be refused by the forwarder.",
				.look = "The SRS timestamp in the Return-Path.",
				.fix = "Usually harmless for delivery; for bounces, check the forwarder's clock and SRS lifetime.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.dmarc-fail-reject",
		.title = "DMARC failed under a p=reject policy",
		.text = "aliasaudit headers diagnosis headers.dmarc-fail-reject (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "DMARC failed under a p=reject policy",
				.detail = "Neither SPF nor DKIM aligned with the From: domain, whose policy asks receivers to reject: forwarded mail is refused or silently dropped.",
				.look = "Authentication-Results dmarc= and header.from; the DKIM signature's d= domain.",
				.fix = "The sender should DKIM-sign with its From: domain; forwarders must not break the signature; deliver instead of forwarding.",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.dmarc-fail-quarantine",
		.title = "DMARC failed under a p=quarantine policy",
		.text = "aliasaudit headers diagnosis headers.dmarc-fail-quarantine (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "DMARC failed under a p=quarantine policy",
				.detail = "Neither SPF nor DKIM aligned with the From: domain: the receiver files it as spam.",
				.look = "Authentication-Results dmarc= and header.from.",
				.fix = "Aligned DKIM from the sender; avoid forwarding that modifies the message.",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.dmarc-fail",
		.title = "DMARC failed",
		.text = "aliasaudit headers diagnosis headers.dmarc-fail (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "DMARC failed",
				.detail = "Neither SPF nor DKIM aligned with the From: domain (policy none or not stated).",
				.look = "Authentication-Results dmarc=.",
				.fix = "Aligned DKIM from the sender; SRS alone does not fix DMARC.",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.arc-invalid",
		.title = "The ARC chain does not validate",
		.text = "aliasaudit headers diagnosis headers.arc-invalid (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "The ARC chain does not validate",
				.detail = "A forwarder's ARC seal failed, so receivers cannot trust the earlier authentication results.",
				.look = "ARC-Seal cv= and ARC-Authentication-Results of each instance.",
				.fix = "Fix or remove the intermediary that breaks the ARC chain.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.arc-valid",
		.title = "A valid ARC chain",
		.text = "aliasaudit headers diagnosis headers.arc-valid (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "A valid ARC chain",
				.detail = "The forwarders sealed the earlier authentication results; receivers that trust them may accept the message despite SPF/DMARC failing after the forward.",
				.look = "ARC-Seal cv=pass.",
				.fix = "Nothing to fix.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.compauth-fail",
		.title = "Microsoft composite authentication failed",
		.text = "aliasaudit headers diagnosis headers.compauth-fail (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "Microsoft composite authentication failed",
				.detail = "Exchange Online Protection judged the sender not authenticated (compauth=fail): the message goes to Junk or quarantine.",
				.look = "Authentication-Results compauth= and reason=.",
				.fix = "Fix the sender's SPF/DKIM/DMARC; for forwarded mail, deliver instead of forwarding.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.from-returnpath-misaligned",
		.title = "From: and Return-Path domains differ",
		.text = "aliasaudit headers diagnosis headers.from-returnpath-misaligned (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "From: and Return-Path domains differ",
				.detail = "The envelope sender's domain is not the From: domain: SPF cannot align for DMARC.",
				.look = "From: and Return-Path.",
				.fix = "Align the envelope sender with From:, or rely on aligned DKIM.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.auth-pass",
		.title = "Authentication passed",
		.text = "aliasaudit headers diagnosis headers.auth-pass (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "Authentication passed",
				.detail = "SPF/DKIM/DMARC passed at the hop named.",
				.look = "Authentication-Results.",
				.fix = "Nothing to fix.",
				
			},
		},
	},
	{
		.basic = NULL, .enhanced = "headers.no-auth-results",
		.title = "No Authentication-Results header",
		.text = "aliasaudit headers diagnosis headers.no-auth-results (no bounce code: a finding about a received message)",
		.origin = "'aliasaudit headers MESSAGE' (RFC 8601 Authentication-Results, RFC 8617 ARC, Received, Return-Path)",
		.source = "RFC 7208 (SPF), RFC 6376 (DKIM), RFC 7489 (DMARC), RFC 8617 (ARC); Microsoft Learn, Sender Rewriting Scheme (SRS) in Microsoft 365",
		.verified = true,
		.causes = {
			{
				.title = "No Authentication-Results header",
				.detail = "No receiving server recorded authentication results: nothing can be said about SPF/DKIM/DMARC.",
				.look = "The message source as received by the final mailbox.",
				.fix = "Look at a copy from a mailbox whose server adds Authentication-Results.",
				
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.1.1",
		.title = "Bad destination mailbox address (user unknown)",
		.text = "550 5.1.1 RESOLVER.ADR.RecipNotFound; not found   (variant: RESOLVER.ADR.ExRecipNotFound)",
		.origin = "Exchange Online / Exchange Server; most MTAs use 5.1.1 for 'user unknown'",
		.source = "Microsoft Learn, Non-delivery reports in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online)",
		.verified = true,
		.causes = {
			{
				.title = "A ghost target: the alias or forward points at an address that does not exist",
				.detail = "An alias, forward, inbox rule or group member points at a mailbox that "
					  "was deleted, renamed or mistyped. Mail to the alias bounces, often for "
					  "weeks before anyone notices.",
				.look = "Get-Recipient ADDRESS (M365); Admin center > Users / Groups; Google Admin "
					"console > Directory > Users. 'swaks --to ADDRESS --server MX' shows 250 OK "
					"or 550 for one address.",
				.fix = "Point the alias, forward or member at an existing recipient, or remove it.",
				.checks = { "route.ghost" },
			},
			{
				.title = "Plus addressing is off and someone wrote to user+tag@",
				.detail = "With plus addressing disabled, bob+news@ is looked up as a literal "
					  "address and does not exist.",
				.look = "Get-OrganizationConfig | Format-List DisablePlusAddressInRecipients "
					"($true = plus addressing off).",
				.fix = "Set-OrganizationConfig -DisablePlusAddressInRecipients $false.",
				.checks = { "addr.plus-disabled" },
				.match = "+",
			},
			{
				.title = "The target exists but has no mailbox",
				.detail = "A user without a licence / mailbox, or a disabled account, as the target "
					  "of an alias or forward.",
				.look = "Admin center > Users > USER > Licenses and apps; Get-Mailbox USER.",
				.fix = "Point at an active mailbox, or license / re-enable the target.",
				.checks = { "route.disabled-target" },
			},
			{
				.title = "A stale address in the sender's client",
				.detail = "Outlook's autocomplete kept an old entry (moved mailbox, invalid "
					  "legacyExchangeDN / IMCEAEX address).",
				.look = "The recipient address in the NDR compared with the directory.",
				.fix = "Remove the autocomplete entry and pick the recipient from the address book "
				       "(or add the old legacyExchangeDN as an X500 address).",
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.1.10",
		.title = "Recipient not found by SMTP address lookup",
		.text = "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
		.origin = "Exchange Online",
		.source = "Microsoft Learn, Non-delivery reports in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online); "
			  "the text as public bounces show it",
		.verified = true,
		.causes = {
			{
				.title = "No recipient has this address",
				.detail = "The address (often an alias that was removed, or the target of a forward "
					  "or group member) is not a proxy address of any recipient in the tenant.",
				.look = "Get-Recipient -Filter \"EmailAddresses -eq 'smtp:ADDRESS'\"; "
					"Admin center > Users > USER > Manage email aliases.",
				.fix = "Add the address back as an alias of the right mailbox, or point whatever "
				       "sends to it at an existing address.",
				.checks = { "route.ghost" },
			},
			{
				.title = "A +tag address with plus addressing off",
				.detail = "user+tag@ is looked up literally when plus addressing is disabled.",
				.look = "Get-OrganizationConfig | Format-List DisablePlusAddressInRecipients.",
				.fix = "Set-OrganizationConfig -DisablePlusAddressInRecipients $false.",
				.checks = { "addr.plus-disabled" },
				.match = "+",
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.4.1",
		.title = "Recipient address rejected: access denied / relay access denied",
		.text = "550 5.4.1 Recipient address rejected: Access denied. AS(201806281) [SERVER]   "
			"(or: 550 5.4.1 Relay Access Denied)",
		.origin = "Exchange Online Protection, at the edge, before the message is accepted",
		.source = "Microsoft Learn, Non-delivery reports in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online); "
			  "the text as widely logged",
		.verified = true,
		.causes = {
			{
				.title = "Directory-Based Edge Blocking: the recipient does not exist in the tenant",
				.detail = "The domain is an Authoritative accepted domain, so Exchange Online rejects "
					  "every address it has no recipient for, at the edge. Typical after an alias "
					  "was removed or never created in Microsoft 365, or when some addresses still "
					  "live on another system.",
				.look = "Get-Recipient ADDRESS; Exchange admin center > Mail flow > Accepted domains "
					"(Authoritative turns DBEB on; Internal relay passes unknown addresses on).",
				.fix = "Create the missing alias, mail user or mail contact; if the domain's "
				       "mailboxes partly live elsewhere, make the domain Internal relay with a "
				       "connector to that system.",
				.checks = { "route.ghost" },
				.match = "AS(201806281)",
			},
			{
				.title = "Relay Access Denied: the server does not accept mail for the domain",
				.detail = "The recipient's domain is not an accepted domain of the receiving tenant "
					  "or server (domain removed or never added), or the MX record points at the "
					  "wrong tenant or server.",
				.look = "The domain's MX record (dig MX DOMAIN); Exchange admin center > Mail flow > "
					"Accepted domains; Get-AcceptedDomain.",
				.fix = "Add and verify the domain as an accepted domain where its mailboxes are, and "
				       "point MX there. (aliasaudit treats domains missing from the snapshot as "
				       "external, so forwards to them show up as external forwards.)",
				.match = "Relay Access Denied",
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.7.1",
		.title = "Delivery not authorized / unable to relay",
		.text = "550 5.7.1 Delivery not authorized   (also: \"Unable to relay\", \"Client was not "
			"authenticated\", or a receiver's policy text)",
		.origin = "Exchange Online / Exchange Server; many receivers use 5.7.1 for policy rejections",
		.source = "Microsoft Learn, Non-delivery reports in Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online); "
			  "RFC 7208 (SPF) appendix D, RFC 7489 (DMARC) on forwarding",
		.verified = true,
		.see_also = HEADERS_HINT,
		.causes = {
			{
				.title = "The recipient accepts mail only from certain senders",
				.detail = "A group or mailbox restricted to listed or internal senders "
					  "(RequireSenderAuthenticationEnabled) rejects mail that arrives from outside "
					  "- including mail forwarded in from another system.",
				.look = "Get-DistributionGroup GROUP | Format-List AcceptMessagesOnlyFrom*,"
					"RequireSenderAuthenticationEnabled; Exchange admin center > Recipients > "
					"Groups > GROUP > Settings > Delivery management.",
				.fix = "Allow the sender (or the forwarding address), or allow external senders "
				       "for that group.",
				.match = "not authorized",
			},
			{
				.title = "A mail flow rule rejects the message",
				.detail = "A transport rule with 'Reject the message with the explanation' or a "
					  "custom enhanced status code.",
				.look = "Get-TransportRule | Format-List Name,State,RejectMessageReasonText,"
					"RejectMessageEnhancedStatusCode; Exchange admin center > Mail flow > Rules.",
				.fix = "Change the rule's conditions or exceptions.",
			},
			{
				.title = "Relay through the server without authentication or a connector",
				.detail = "An application, device or on-premises server sends to outside addresses "
					  "through Exchange Online without authenticating or without a matching "
					  "inbound connector ('Unable to relay', 'Client was not authenticated').",
				.look = "Exchange admin center > Mail flow > Connectors; the sending device's SMTP "
					"settings (smtp.office365.com:587 with authentication).",
				.fix = "Authenticate the submission or add a connector for the sending server's "
				       "IP address or certificate.",
				.match = "relay",
			},
			{
				.title = "The receiver rejected a forwarded message for SPF/DMARC",
				.detail = "After an external forward the receiving server sees your server's IP "
					  "with the original sender's envelope: SPF fails unless the forwarder "
					  "rewrites the sender (SRS), and DMARC fails when the sender's domain "
					  "publishes p=reject and DKIM does not survive.",
				.look = "The rejected or quarantined copy's Authentication-Results "
					"(spf=fail, dmarc=fail, smtp.mailfrom not rewritten to SRS0=...).",
				.fix = "Stop forwarding business mail outside (deliver to a mailbox in the domain), "
				       "or make sure the forwarder applies SRS and senders sign with aligned DKIM.",
				.checks = { "forward.external-auth" },
				.match = "DMARC",
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.7.60",
		.title = "Client does not have permissions to send as this sender",
		.text = "550 5.7.60 SMTP; Client does not have permissions to send as this sender",
		.origin = "Exchange Online, on submission (SMTP AUTH or client) with a From address the "
			  "account may not use",
		.source = "seen in a public SMTP log only, not in Microsoft Learn, Non-delivery reports in "
			  "Exchange Online "
			  "(https://learn.microsoft.com/exchange/mail-flow-best-practices/non-delivery-reports-in-exchange-online/non-delivery-reports-in-exchange-online) "
			  "(unverified)",
		.verified = false,
		.causes = {
			{
				.title = "Sending as an alias or shared address without a send-as identity",
				.detail = "The user sends from sales@ (a shared mailbox or another account's "
					  "address) without a Send As grant, or from an address that has no send-as "
					  "identity at all.",
				.look = "Get-RecipientPermission ADDRESS -AccessRights SendAs; Exchange admin "
					"center > Recipients > Mailboxes > MAILBOX > Delegation > Send as. Gmail: "
					"Settings > Accounts > Send mail as.",
				.fix = "Add-RecipientPermission ADDRESS -AccessRights SendAs -Trustee USER; in "
				       "Gmail add the address under 'Send mail as'.",
				.checks = { "sendas.missing" },
			},
			{
				.title = "Sending from one's own alias while SendFromAliasEnabled is off",
				.detail = "Without SendFromAliasEnabled, Exchange rewrites a mailbox's secondary "
					  "addresses to the primary (replies show bob@, or 'on behalf of').",
				.look = "Get-OrganizationConfig | Format-List SendFromAliasEnabled.",
				.fix = "Set-OrganizationConfig -SendFromAliasEnabled $true (reaches Outlook "
				       "clients within days).",
				.checks = { "sendas.alias-disabled" },
			},
			{
				.title = "A Gmail send-as identity that is still pending verification",
				.detail = "The identity was added but the verification mail was never confirmed.",
				.look = "Gmail: Settings > Accounts > Send mail as (shows 'unverified'); Gmail API "
					"users.settings.sendAs verificationStatus.",
				.fix = "Confirm the verification mail, or delete and re-add the identity.",
				.checks = { "sendas.unverified" },
			},
		},
	},
	{
		.basic = "524", .enhanced = "5.2.4",
		.title = "Mailing list expansion problem",
		.text = "524 5.2.4 Mailing list expansion problem",
		.origin = "OpenSMTPD (alias expansion deeper than 10 levels); other MTAs for group "
			  "expansion failures",
		.source = "OpenSMTPD source, usr.sbin/smtpd/lka_session.c (EXPAND_DEPTH)",
		.verified = true,
		.causes = {
			{
				.title = "Aliases nested too deep, or expanding in a circle",
				.detail = "An alias expands into aliases that expand again beyond the server's "
					  "depth limit; a cycle reaches it quickly.",
				.look = "The alias table / groups along the path.",
				.fix = "Flatten the chain to one hop; remove the cycle.",
				.checks = { "route.chain", "route.loop" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "4.6.0",
		.title = "Alias expansion error (temporary: the message is deferred)",
		.text = "4.6.0 Alias expansion error",
		.origin = "Postfix cleanup(8): a virtual alias expansion hit a limit or a lookup failed",
		.source = "Postfix source, src/cleanup/cleanup_map1n.c (virtual alias expansion limits)",
		.verified = true,
		.causes = {
			{
				.title = "An alias expansion limit was hit",
				.detail = "virtual_alias_recursion_limit, virtual_alias_expansion_limit or "
					  "virtual_alias_address_length_limit (1000 each by default): deep chains, "
					  "huge fan-out or a loop. Postfix defers and retries instead of delivering a "
					  "partial expansion.",
				.look = "The mail log line before the deferral (warning: ... recursion limit ...); "
					"postmap -q ADDRESS on the virtual alias maps.",
				.fix = "Flatten the chain, split huge lists, remove loops.",
				.checks = { "route.chain", "route.loop" },
			},
			{
				.title = "The alias lookup itself failed",
				.detail = "The map (LDAP, SQL, file) could not be read; Postfix keeps the mail and "
					  "retries rather than treat the address as unknown.",
				.look = "The map's server and the mail log.",
				.fix = "Repair the lookup table's backend; the deferred mail is delivered on retry.",
			},
		},
	},
	{
		.basic = "250", .enhanced = "2.0.0",
		.title = "Accepted (250 OK), then vanished or landed in Spam",
		.text = "250 2.0.0 OK   (no bounce: the message was accepted and then filtered, "
			"quarantined or delivered where nobody looks)",
		.origin = "The receiving server after a forward; your own routing",
		.source = "RFC 7208 (SPF) appendix D, RFC 7489 (DMARC); Microsoft Learn, Sender Rewriting "
			  "Scheme in Exchange Online "
			  "(https://learn.microsoft.com/exchange/reference/sender-rewriting-scheme) (SRS fixes "
			  "SPF, not DMARC alignment)",
		.verified = true,
		.see_also = HEADERS_HINT,
		.causes = {
			{
				.title = "Forwarding broke SPF/DMARC and the receiver filtered it",
				.detail = "An external forward arrives from your server's IP with the original "
					  "sender's envelope: SPF fails without SRS, DMARC fails for senders with "
					  "p=quarantine/reject, and the receiver files it as spam or drops it.",
				.look = "The destination's Spam folder; the message source: Authentication-Results "
					"with spf=fail/softfail and smtp.mailfrom not rewritten (no SRS0=...).",
				.fix = "Deliver to a mailbox in your domain instead of forwarding out; if it must "
				       "leave, the forwarder must apply SRS and senders need aligned DKIM.",
				.checks = { "forward.external-auth" },
			},
			{
				.title = "A Google forward that the OU policy silently disabled",
				.detail = "With automatic forwarding turned off for the user's organizational unit, "
					  "Gmail stops forwarding without any bounce.",
				.look = "Google Admin console > Apps > Google Workspace > Gmail > End User Access > "
					"Automatic forwarding (per OU).",
				.fix = "Allow forwarding for that OU only, or stop relying on the forward.",
				.checks = { "forward.blocked" },
			},
			{
				.title = "Delivered to a mailbox nobody reads",
				.detail = "The alias points at a disabled account or an unlicensed user, or a "
					  "catch-all takes mail meant for an explicit alias.",
				.look = "The alias target's account state; transport rules that redirect all mail "
					"for a domain; Gmail default routing.",
				.fix = "Point the alias at an active, read mailbox; limit the catch-all to unknown "
				       "addresses.",
				.checks = { "route.disabled-target", "route.catchall-shadow" },
			},
		},
	},
	/* the dns.* checks' symptoms (appended with them) */
	{
		.basic = "550", .enhanced = "5.7.509",
		.title = "Access denied: the sending domain does not pass DMARC and its policy is reject",
		.text = "550 5.7.509 Access denied, sending domain DOMAIN does not pass DMARC verification "
			"and has a DMARC policy of reject.",
		.origin = "Exchange Online (as receiver), sent to the sender of a message whose From "
			  "domain publishes p=reject and which passed neither aligned SPF nor aligned DKIM",
		.source = "Microsoft Learn: Email non-delivery reports and SMTP errors in Exchange Online; "
			  "RFC 7489 6.6",
		.verified = true,
		.see_also = HEADERS_HINT,
		.causes = {
			{
				.title = "The domain's mail is not DKIM-signed as itself, and a forward broke SPF",
				.detail = "Without a DKIM key of its own the platform signs as another domain "
					  "(onmicrosoft.com, gappssmtp.com), which does not align; once mail is "
					  "forwarded SPF fails too, so DMARC fails.",
				.look = "The domain's selector records (selector1/selector2._domainkey, "
					"google._domainkey) and _dmarc record.",
				.fix = "Publish the platform's DKIM key and turn signing on.",
				.checks = { "dns.dkim", "dns.dmarc", "forward.external-auth" },
			},
			{
				.title = "The sending service is not in SPF and does not sign as the domain",
				.detail = "A third-party sender or a platform missing from SPF sends as the domain.",
				.look = "The domain's SPF record and its includes.",
				.fix = "Authorise the sender in SPF and have it DKIM-sign as the domain.",
				.checks = { "dns.spf" },
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.7.23",
		.title = "Rejected because of a Sender Policy Framework violation",
		.text = "550 5.7.23 The message was rejected because of Sender Policy Framework violation",
		.origin = "Exchange Online (as receiver) and other receivers enforcing SPF -all",
		.source = "Microsoft Learn: Email non-delivery reports and SMTP errors in Exchange Online; "
			  "RFC 7208 8.4, 8.7 (fail, permerror)",
		.verified = true,
		.see_also = HEADERS_HINT,
		.causes = {
			{
				.title = "The domain's SPF record is broken (permerror) or does not list the sender",
				.detail = "Two SPF records, a syntax error, more than 10 DNS lookups once includes "
					  "are followed, or the platform's include missing.",
				.look = "The TXT records of the domain that starts \"v=spf1\", and every include.",
				.fix = "One record, the platform's include, at most 10 lookups, -all or ~all.",
				.checks = { "dns.spf" },
			},
			{
				.title = "A forward re-sent the message from a server SPF does not list",
				.detail = "Forwarding without SRS keeps the original envelope sender.",
				.look = "'aliasaudit headers' on a copy of the message.",
				.fix = "Forward inside the platform, or rely on DKIM (which survives forwarding).",
				.checks = { "forward.external-auth" },
			},
		},
	},
	{
		.basic = "550", .enhanced = "5.7.26",
		.title = "Gmail: unauthenticated mail blocked (SPF/DKIM/DMARC)",
		.text = "550 5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail "
			"requires all senders to authenticate with either SPF or DKIM.   (variant: "
			"Unauthenticated email from DOMAIN is not accepted due to domain's DMARC policy.)",
		.origin = "Gmail (as receiver)",
		.source = "Google Workspace Admin Help: SMTP errors and codes (support.google.com/a/answer/"
			  "3726730); Email sender guidelines (support.google.com/a/answer/81126)",
		.verified = true,
		.see_also = HEADERS_HINT,
		.causes = {
			{
				.title = "The sending domain publishes no valid SPF and signs no DKIM as itself",
				.detail = "Neither check passes for the From domain, or DMARC says reject.",
				.look = "The domain's SPF, DKIM selector and _dmarc records.",
				.fix = "Publish SPF with the platform's include and the platform's DKIM key.",
				.checks = { "dns.spf", "dns.dkim", "dns.dmarc" },
			},
		},
	},
	{
		.basic = NULL, .enhanced = "5.4.4",
		.title = "Unable to route: the recipient's domain has no mail host",
		.text = "5.4.4 Host or domain name not found. Name service error for name=DOMAIN type=MX: "
			"Host not found   (Exchange Online: 550 5.4.310 DNS domain DOMAIN does not exist; "
			"Gmail: DNS Error: ... NXDOMAIN)",
		.origin = "the sender's server (Postfix smtp(8); Exchange Online; Gmail), in a bounce it "
			  "writes itself",
		.source = "RFC 3463 X.4.4 (unable to route); RFC 5321 5.1 (MX, then the address record); "
			  "Postfix smtp(8)",
		.verified = true,
		.causes = {
			{
				.title = "The domain has no MX and no address record, or does not exist",
				.detail = "With no MX, senders fall back to the domain's A/AAAA record; with "
					  "neither, mail to every address in the domain bounces.",
				.look = "The domain's MX, A and AAAA records.",
				.fix = "Publish the MX the platform's admin console shows for the domain.",
				.checks = { "dns.mx" },
			},
		},
	},
};

const struct explain_entry *explain_entries(size_t *n)
{
	*n = ARRAY_SIZE(entries);
	return entries;
}

const char *explain_code(const struct explain_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s", e->basic ? e->basic : "", e->basic ? " " : "", e->enhanced);
	return buf;
}

/* is_status_start - a plausible start of an enhanced code at s[i] */
static bool is_status_start(const char *s, size_t i)
{
	if (s[i] != '2' && s[i] != '4' && s[i] != '5')
		return false;
	/* not inside a longer number, version or IP address */
	return !(i > 0 && (isdigit((unsigned char)s[i - 1]) || s[i - 1] == '.'));
}

bool explain_find_status(const char *text, char enhanced[16], char basic[4])
{
	enhanced[0] = basic[0] = '\0';
	for (size_t i = 0; text[i]; i++) {
		if (!is_status_start(text, i) || text[i + 1] != '.')
			continue;
		size_t j = i + 2, a = 0, b = 0;
		while (isdigit((unsigned char)text[j]) && a < 4)
			j++, a++;
		if (!a || a > 3 || text[j] != '.')
			continue;
		j++;
		while (isdigit((unsigned char)text[j]) && b < 4)
			j++, b++;
		if (!b || b > 3 || isdigit((unsigned char)text[j]) ||
		    (text[j] == '.' && isdigit((unsigned char)text[j + 1])))
			continue;
		snprintf(enhanced, 16, "%.*s", (int)(j - i), text + i);
		/* a basic code right before: "550 5.1.1", "550-5.1.1", "#550 5.1.1" */
		size_t k = i;
		while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '-' || text[k - 1] == '#'))
			k--;
		if (k >= 3 && k < i && isdigit((unsigned char)text[k - 1]) &&
		    isdigit((unsigned char)text[k - 2]) && strchr("245", text[k - 3]) &&
		    (k == 3 || !isalnum((unsigned char)text[k - 4])))
			snprintf(basic, 4, "%.3s", text + k - 3);
		return true;
	}
	/* no enhanced code: a lone basic code ("550", "250 OK") */
	for (size_t i = 0; text[i]; i++) {
		if (!strchr("245", text[i]) || (i > 0 && isalnum((unsigned char)text[i - 1])))
			continue;
		if (isdigit((unsigned char)text[i + 1]) && isdigit((unsigned char)text[i + 2]) &&
		    !isalnum((unsigned char)text[i + 3]) && text[i + 3] != '.') {
			snprintf(basic, 4, "%.3s", text + i);
			return true;
		}
	}
	return false;
}

/* find_enhanced - the entry for an enhanced code */
static const struct explain_entry *find_enhanced(const char *enhanced)
{
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (!strcmp(entries[i].enhanced, enhanced))
			return &entries[i];
	return NULL;
}

/* token_in - word occurs in text as a whole token (not a prefix of a longer code) */
static bool token_in(const char *text, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = strcasestr(text, word); p; p = strcasestr(p + 1, word)) {
		char after = p[n];
		if (!(isalnum((unsigned char)after) || after == '-' || after == '.'))
			return true;
	}
	return false;
}

/* keyword_lookup - inputs without a status code that still name a known
 * outcome: the silent inbox-rule stop (message trace MAILBOXRULE / THROTTLE /
 * XLoopHeaderCount, "silent") and the headers.* diagnosis codes */
static bool keyword_lookup(const char *input, const struct explain_entry **out, char code[EXPLAIN_CODE_MAX])
{
	static const char *const silent[] = { "MAILBOXRULE", "THROTTLE", "XLoopHeaderCount",
					      "silent", "Inbox-Rules-Loop" };
	for (size_t i = 0; i < ARRAY_SIZE(silent); i++)
		if (strcasestr(input, silent[i]))
			return (*out = find_enhanced("MAILBOXRULE")) && snprintf(code, EXPLAIN_CODE_MAX, "MAILBOXRULE");
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (!strncmp(entries[i].enhanced, "headers.", 8) && token_in(input, entries[i].enhanced)) {
			*out = &entries[i];
			snprintf(code, EXPLAIN_CODE_MAX, "%s", entries[i].enhanced);
			return true;
		}
	return false;
}

enum explain_result explain_lookup(const char *input, const struct explain_entry **out,
				   char code[EXPLAIN_CODE_MAX])
{
	char enhanced[16], basic[4];
	const char *p = input;
	bool any = false;

	*out = NULL;
	code[0] = '\0';
	/* the first known enhanced code wins ("... 5.1.1 ... 5.4.1"); remember the first one seen */
	while (explain_find_status(p, enhanced, basic)) {
		if (!enhanced[0])
			break;
		if (!any)
			snprintf(code, EXPLAIN_CODE_MAX, "%s%s%s", basic, basic[0] ? " " : "", enhanced);
		any = true;
		if ((*out = find_enhanced(enhanced)))
			return EXPLAIN_FOUND;
		p = strstr(p, enhanced) + strlen(enhanced);
	}
	if (any)
		return EXPLAIN_UNKNOWN;
	if (!basic[0])
		return keyword_lookup(input, out, code) ? EXPLAIN_FOUND : EXPLAIN_NO_CODE;
	snprintf(code, EXPLAIN_CODE_MAX, "%s", basic);
	const struct explain_entry *only = NULL;
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++)
		if (entries[i].basic && !strcmp(entries[i].basic, basic)) {
			only = &entries[i];
			n++;
		}
	if (n == 1) {
		*out = only;
		return EXPLAIN_FOUND;
	}
	return n ? EXPLAIN_AMBIGUOUS : EXPLAIN_UNKNOWN;
}

bool explain_cause_matches(const struct explain_cause *c, const char *input)
{
	return c->match && strcasestr(input, c->match) != NULL;
}

char *explain_known_list(const char *basic)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[EXPLAIN_CODE_MAX];
	for (size_t i = 0; i < ARRAY_SIZE(entries); i++) {
		if (basic && (!entries[i].basic || strcmp(entries[i].basic, basic)))
			continue;
		strbuf_putf(&sb, "%s%s", sb.len ? ", " : "", explain_code(&entries[i], buf, sizeof(buf)));
	}
	return strbuf_detach(&sb, NULL);
}
