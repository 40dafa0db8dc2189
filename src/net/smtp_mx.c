/*
 * smtp_mx.c - the mail exchanger of a domain for `aliasaudit probe --mx`,
 * asked through the project's resolver (net/dns.c: the system's
 * resolv.conf, or one server given with --resolver). The preferred MX
 * (lowest preference, RFC 5321 section 5.1) is returned; a domain without
 * MX records has its own name as the implicit MX; a null MX ("." , RFC
 * 7505) means the domain takes no mail. A lookup failure is an error, never
 * "no MX".
 */
#include "net/smtp_probe.h"
#include "net/dns.h"
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

#define SMTP_MX_TIMEOUT_MS 2000

/* smtp_mx_lookup - see smtp_probe.h */
int smtp_mx_lookup(const char *domain, const char *resolver, char **host, char **err)
{
	struct dns_query q = { .name = domain, .type = DNS_MX };
	struct dns_resolver *r;
	char *server = NULL, *why = NULL;
	int ret = -1;

	*host = NULL;
	if (resolver && dns_server_parse(resolver, &server, &why)) {
		*err = xstrfmt("--resolver: %s", why);
		free(why);
		return -1;
	}
	if (!(r = dns_resolver_new(server, SMTP_MX_TIMEOUT_MS, &why))) {
		*err = xstrfmt("--mx: %s", why);
		free(why);
		free(server);
		return -1;
	}
	dns_resolve(r, &q, 1);
	switch (q.ans.status) {
	case DNS_OK: /* sorted by preference: the first is the preferred one */
		if (!q.ans.nr_mx || !q.ans.mx[0].host[0] || !strcmp(q.ans.mx[0].host, "."))
			*err = xstrfmt("--mx: %s publishes a null MX (RFC 7505): it takes no mail", domain);
		else {
			*host = xstrdup(q.ans.mx[0].host);
			ret = 0;
		}
		break;
	case DNS_NODATA: /* the name exists without MX: implicit MX */
		*host = xstrdup(domain);
		ret = 0;
		break;
	case DNS_NXDOMAIN:
		*err = xstrfmt("--mx: MX lookup of %s failed: no such domain", domain);
		break;
	case DNS_FAIL:
		*err = xstrfmt("--mx: MX lookup of %s failed: %s", domain,
			       q.ans.error ? q.ans.error : "no answer");
		break;
	}
	dns_answer_release(&q.ans);
	dns_resolver_free(r);
	free(server);
	return ret;
}
