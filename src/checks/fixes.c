/*
 * fixes.c - the documented fixes and the control references findings carry.
 *
 * Automated fixes are the ones `aliasaudit fix --apply` can make (README
 * "Fixing, with undo"); the reversible form is the default. Every fix also has exact manual
 * steps, so a finding is actionable without the tool.
 */
#include "checks/checks.h"

const char *const refs_none[] = { NULL };
const char *const refs_m365_forwarding[] = {
	"CIS M365 v4.0.0 6.2.1", "MS.EXO.1.1v2", NULL,
};
const char *const refs_m365_remote_domain[] = {
	"MS.EXO.1.1v2", "CIS M365 v4.0.0 6.2.1", NULL,
};
const char *const refs_gws_forwarding[] = {
	"GWS.GMAIL.11.1v1", "CIS Google Workspace v1.2.0 3.1.3.5.2", NULL,
};

const struct fix_def fix_inbox_rule_disable = {
	.id = "m365.inbox-rule.disable", .automated = true,
	.title = "Disable the forwarding inbox rule (kept, not deleted, so it can be re-enabled)",
	.steps = "Graph: PATCH /v1.0/users/{mailbox}/mailFolders/inbox/messageRules/{ruleId} "
		 "with {\"isEnabled\": false}; or PowerShell: Disable-InboxRule -Mailbox <mailbox> "
		 "-Identity <rule>",
};
const struct fix_def fix_mailbox_forwarding_clear = {
	.id = "m365.mailbox-forwarding.clear", .automated = true,
	.title = "Clear the mailbox forwarding",
	.steps = "Set-Mailbox -Identity <mailbox> -ForwardingSmtpAddress $null -ForwardingAddress "
		 "$null -DeliverToMailboxAndForward $false (Exchange admin center > Recipients > "
		 "Mailboxes > <mailbox> > Mail flow settings > Email forwarding: off)",
};
const struct fix_def fix_outbound_policy_scoped = {
	.id = "m365.outbound-policy.scoped", .automated = true,
	.title = "Allow external forwarding for exactly these mailboxes with a scoped outbound "
		 "spam policy (AutoForwardingMode On)",
	.steps = "New-HostedOutboundSpamFilterPolicy -Name \"Allow forwarding - <mailbox>\" "
		 "-AutoForwardingMode On; New-HostedOutboundSpamFilterRule -Name \"Allow forwarding - "
		 "<mailbox>\" -HostedOutboundSpamFilterPolicy \"Allow forwarding - <mailbox>\" -From "
		 "<mailbox>. Only with --fix-variant org-wide: Set-HostedOutboundSpamFilterPolicy "
		 "-Identity Default -AutoForwardingMode On (the article's tenant-wide switch). "
		 "Alternative (--fix-variant stop-forwarding): clear the forward instead.",
};
const struct fix_def fix_outbound_policy_off = {
	.id = "m365.outbound-policy.off", .automated = false,
	.title = "Set the outbound spam policy's automatic forwarding to Off",
	.steps = "Set-HostedOutboundSpamFilterPolicy -Identity <policy> -AutoForwardingMode Off "
		 "(Microsoft Defender portal > Policies & rules > Threat policies > Anti-spam > "
		 "Anti-spam outbound policy > Automatic forwarding rules: Off - Forwarding is "
		 "disabled); allow the mailboxes that must forward with a scoped policy",
};
const struct fix_def fix_send_from_alias = {
	.id = "m365.org.send-from-alias", .automated = true,
	.title = "Turn on sending from aliases (SendFromAliasEnabled)",
	.steps = "Set-OrganizationConfig -SendFromAliasEnabled $true (takes up to 7 days to reach "
		 "all Outlook clients)",
};
const struct fix_def fix_remote_domain_block = {
	.id = "m365.remote-domain.block-autoforward", .automated = true,
	.title = "Block automatic forwarding on the remote domain",
	.steps = "Set-RemoteDomain -Identity <domain> -AutoForwardEnabled $false (Exchange admin "
		 "center > Mail flow > Remote domains > <domain> > Email reply types: clear 'Allow "
		 "automatic forwarding')",
};
const struct fix_def fix_plus_addressing_enable = {
	.id = "m365.org.plus-addressing", .automated = false,
	.title = "Turn plus addressing back on",
	.steps = "Set-OrganizationConfig -DisablePlusAddressInRecipients $false (Exchange admin "
		 "center > Settings > Mail flow > Turn on plus addressing for your organization)",
};
const struct fix_def fix_gws_treat_as_alias_off = {
	.id = "gws.sendas.treat-as-alias-off", .automated = true,
	.title = "Uncheck 'Treat as an alias' for another account's address",
	.steps = "Gmail API users.settings.sendAs.patch {\"treatAsAlias\": false}; or Gmail > "
		 "Settings > Accounts > Send mail as > edit info > clear 'Treat as an alias'",
};
const struct fix_def fix_gws_sendas_create = {
	.id = "gws.sendas.create", .automated = true,
	.title = "Create the send-as identity for the alias",
	.steps = "Gmail API users.settings.sendAs.create {\"sendAsEmail\": <alias>, "
		 "\"treatAsAlias\": true}; or Gmail > Settings > Accounts > Send mail as > Add "
		 "another email address",
};
const struct fix_def fix_gws_sendas_verify = {
	.id = "gws.sendas.verify", .automated = false,
	.title = "Complete the send-as verification",
	.steps = "Gmail API users.settings.sendAs.verify re-sends the link; the owner of the "
		 "address confirms it (Gmail > Settings > Accounts > Send mail as > resend)",
};
const struct fix_def fix_gws_autoforward_disable = {
	.id = "gws.autoforward.disable", .automated = true,
	.title = "Turn off the user's automatic forwarding",
	.steps = "Gmail API users.settings.updateAutoForwarding {\"enabled\": false}; or Gmail > "
		 "Settings > Forwarding and POP/IMAP > Disable forwarding",
};
const struct fix_def fix_gws_filter_remove = {
	.id = "gws.filter.remove", .automated = true,
	.title = "Remove the forwarding filter (the journal keeps it, so undo recreates it)",
	.steps = "Gmail API users.settings.filters.delete; or Gmail > Settings > Filters and "
		 "Blocked Addresses > delete the filter that forwards",
};
const struct fix_def fix_gws_ou_autoforward_disable = {
	.id = "gws.ou-autoforward.disable", .automated = false,
	.title = "Turn off automatic forwarding for the organizational unit",
	.steps = "Admin console > Apps > Google Workspace > Gmail > End User Access > Automatic "
		 "forwarding: select the OU and clear 'Allow users to automatically forward "
		 "incoming email to another address' (no write API; changes take up to 24 hours)",
};
const struct fix_def fix_route_fix_target = {
	.id = "route.fix-target", .automated = false,
	.title = "Point the alias, forward or member at an existing recipient, or remove it",
	.steps = "Correct the typo or recreate the recipient; Exchange: Set-Mailbox/Set-InboxRule "
		 "with the right address, Remove-DistributionGroupMember for a stale member; Google: "
		 "Admin console > Directory > Groups, or the user's Gmail settings",
};
const struct fix_def fix_route_flatten = {
	.id = "route.flatten", .automated = false,
	.title = "Flatten the chain: point the first address directly at the final mailbox",
	.steps = "Make the first address an alias (proxy address / Google alias) of the final "
		 "mailbox, or forward it there directly, and remove the intermediate hop",
};
const struct fix_def fix_route_enable_target = {
	.id = "route.enable-target", .automated = false,
	.title = "Point at an active mailbox, or re-enable/license the target",
	.steps = "Exchange: Set-Mailbox / group membership to an active mailbox (or convert the "
		 "leaver to a shared mailbox); Google: Admin console > Directory > Users > "
		 "reactivate, or move the alias to an active user",
};
const struct fix_def fix_catchall_scope = {
	.id = "route.catchall.scope", .automated = false,
	.title = "Limit the catch-all to addresses that do not exist",
	.steps = "Exchange: add the exception 'The recipient is located Inside the organization' "
		 "(or use a dynamic group) to the redirect transport rule so explicit recipients "
		 "keep their mail; Google: Admin console > Apps > Google Workspace > Gmail > Default "
		 "routing: apply to unrecognized addresses only. Prefer explicit aliases.",
};
const struct fix_def fix_group_remove_member = {
	.id = "route.group.remove-member", .automated = false,
	.title = "Remove the member from the group",
	.steps = "Remove-DistributionGroupMember -Identity <group> -Member <address>; Google: "
		 "Admin console > Directory > Groups > <group> > Members",
};
const struct fix_def fix_transport_rule_review = {
	.id = "m365.transport-rule.review", .automated = false,
	.title = "Review the redirecting transport rule",
	.steps = "Exchange admin center > Mail flow > Rules: change the rule's redirect target or "
		 "disable it (Disable-TransportRule -Identity <rule>)",
};
const struct fix_def fix_forward_keep_in_domain = {
	.id = "route.forward.keep-in-domain", .automated = false,
	.title = "Keep the mail in the domain, or make sure forwarding survives SPF/DMARC",
	.steps = "Deliver to an internal mailbox (shared mailbox or delegate access) instead of "
		 "forwarding out; if it must leave: senders must sign with aligned DKIM, the forwarder "
		 "must rewrite the envelope sender (SRS: Exchange Online and Gmail do), and the "
		 "receiver should honour ARC. Check a received copy with 'aliasaudit headers'.",
};

const struct fix_def *fix_for_edge(const struct route_edge *e)
{
	if (e->via == EDGE_GROUP)
		return &fix_group_remove_member;
	switch (e->fwd->via) {
	case VIA_MAILBOX: return &fix_mailbox_forwarding_clear;
	case VIA_INBOX_RULE: return &fix_inbox_rule_disable;
	case VIA_GMAIL_AUTOFORWARD: return &fix_gws_autoforward_disable;
	case VIA_GMAIL_FILTER: return &fix_gws_filter_remove;
	case VIA_TRANSPORT_RULE: return &fix_transport_rule_review;
	default: return &fix_route_fix_target;
	}
}
