/*
 * fuzz_m365.c - libFuzzer target for the Microsoft 365 response mappers:
 * Graph users, domains, messageRules and mailboxSettings, and Exchange
 * InvokeCommand rows (Get-Mailbox, Get-Recipient, policies and rules, remote
 * domains, transport rules, org config). The input is one JSON object whose
 * members name the response each value stands for; every mapper sees its
 * member, then the snapshot is finished, written and audited.
 */
#include "providers/m365/m365.h"
#include "core/audit.h"
#include "core/graph.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *resolve(void *ctx, const char *identity)
{
	(void)ctx;
	return identity && identity[0] == 'x' ? NULL : m365_smtp_value(identity);
}

/* each - call fn on every element of j[key] when it is an array */
#define EACH(j, key, call) do { \
		const cJSON *arr_ = cJSON_GetObjectItemCaseSensitive(j, key), *it; \
		cJSON_ArrayForEach(it, arr_) { char *e_ = NULL; (void)(call); free(e_); } \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	cJSON *j = cJSON_ParseWithLength((const char *)data, size);
	struct m365_build b = { 0 };
	struct audit_result res;
	char *err = NULL, *s;
	if (!cJSON_IsObject(j)) {
		cJSON_Delete(j);
		return 0;
	}
	b.s = snapshot_new("fuzz", "m365");
	EACH(j, "accepted_domains", m365_add_accepted_domain(&b, it, &e_));
	EACH(j, "graph_domains", m365_add_graph_domain(&b, it, &e_));
	EACH(j, "users", m365_add_user(&b, it, cJSON_GetObjectItem(it, "mailbox"),
				       cJSON_GetObjectItem(it, "recipient"), true, &e_));
	EACH(j, "groups", m365_add_group(&b, it, cJSON_GetObjectItem(it, "members"), &e_));
	EACH(j, "contacts", m365_add_contact(&b, it, &e_));
	EACH(j, "mail_users", m365_add_mail_user(&b, it, &e_));
	EACH(j, "mailboxes", m365_add_mailbox_forward(&b, it, resolve, NULL, &e_));
	EACH(j, "rules", m365_add_inbox_rules(&b, "owner@fuzz.example", it, &e_));
	EACH(j, "mailbox_settings", m365_add_auto_reply(&b, "owner@fuzz.example", it, "2026-11-26T06:00:00Z", &e_));
	EACH(j, "remote_domains", m365_add_remote_domain(&b, it, &e_));
	EACH(j, "transport_rules", m365_add_transport_rule(&b, it, "fuzz.example", &e_));
	EACH(j, "org_config", m365_set_org_config(&b, it, &e_));
	{
		char *e = NULL;
		m365_add_outbound_policies(&b, cJSON_GetObjectItem(j, "policies"),
					   cJSON_GetObjectItem(j, "policy_rules"), &e);
		free(e);
	}
	m365_build_finish(&b);
	s = snapshot_to_json(b.s);
	free(s);
	if (audit_run(&b.s, 1, NULL, NULL, &res, &err) == 0)
		audit_result_release(&res);
	free(err);
	snapshot_free(b.s);
	cJSON_Delete(j);
	return 0;
}
