/*
 * catalog.c - the check catalog, in the order of the README's check table.
 * Add a check: define its check_def in its own file, declare it in
 * checks.h, list it here.
 */
#include "checks/checks.h"

#include <string.h>

const struct check_def *const check_catalog[] = {
	&check_route_loop,
	&check_route_ghost,
	&check_route_chain,
	&check_route_disabled_target,
	&check_route_catchall_shadow,
	&check_route_catchall,
	&check_route_platform_limit,
	&check_forward_blocked,
	&check_forward_external_auth,
	&check_forward_policy_open,
	&check_sendas_alias_disabled,
	&check_sendas_treat_as_alias,
	&check_sendas_missing,
	&check_sendas_unverified,
	&check_addr_plus_disabled,
	&check_dns_mx,
	&check_dns_spf,
	&check_dns_dkim,
	&check_dns_dmarc,
	NULL,
};

const struct check_def *check_find(const char *id)
{
	for (size_t i = 0; id && check_catalog[i]; i++)
		if (!strcmp(check_catalog[i]->id, id))
			return check_catalog[i];
	return NULL;
}
