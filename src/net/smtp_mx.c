/*
 * smtp_mx.c - the mail exchanger of a domain for `aliasaudit probe --mx`,
 * with libresolv's res_query (the system's resolv.conf, or one
 * server given with --resolver). The preferred MX
 * (lowest preference, RFC 5321 section 5.1) is returned; a domain without
 * MX records has its own name as the implicit MX; a null MX ("." , RFC
 * 7505) means the domain takes no mail. A lookup failure is an error, never
 * "no MX". (The vendor-neutral c-ares resolver of src/net/dns.c should
 * replace this once it is in main: it is not yet.)
 */
#include "net/smtp_probe.h"
#include "base/util.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>

/* use_server - ask only server ("IPv4[:PORT]") instead of resolv.conf's; 0 or -1 */
static int use_server(struct __res_state *rs, const char *server)
{
	char ip[64];
	const char *colon = strchr(server, ':');
	size_t n = colon ? (size_t)(colon - server) : strlen(server);
	long port = colon ? strtol(colon + 1, NULL, 10) : 53;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	if (n >= sizeof(ip) || port < 1 || port > 65535)
		return -1;
	memcpy(ip, server, n);
	ip[n] = 0;
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1)
		return -1;
	sa.sin_port = htons((unsigned short)port);
	rs->nsaddr_list[0] = sa;
	rs->nscount = 1;
	return 0;
}

/* smtp_mx_lookup - see smtp_probe.h */
int smtp_mx_lookup(const char *domain, const char *resolver, char **host, char **err)
{
	unsigned char ans[NS_PACKETSZ * 8];
	struct __res_state rs;
	ns_msg msg;
	int len, best = 65536;
	*host = NULL;
	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs)) {
		*err = xstrdup("--mx: cannot initialise the resolver (resolv.conf)");
		return -1;
	}
	if (resolver && use_server(&rs, resolver)) {
		res_nclose(&rs);
		*err = xstrfmt("--resolver: want an IPv4 address[:PORT], got '%s'", resolver);
		return -1;
	}
	len = res_nquery(&rs, domain, ns_c_in, ns_t_mx, ans, sizeof(ans));
	if (len < 0) {
		int h = rs.res_h_errno;
		res_nclose(&rs);
		if (h == NO_DATA) { /* the name exists without MX: implicit MX */
			*host = xstrdup(domain);
			return 0;
		}
		*err = xstrfmt("--mx: MX lookup of %s failed: %s", domain,
			       h == HOST_NOT_FOUND ? "no such domain" : hstrerror(h));
		return -1;
	}
	res_nclose(&rs);
	if (ns_initparse(ans, len, &msg)) {
		*err = xstrfmt("--mx: MX answer for %s cannot be parsed", domain);
		return -1;
	}
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		ns_rr rr;
		char name[NS_MAXDNAME];
		if (ns_parserr(&msg, ns_s_an, i, &rr) || ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		int pref = ns_get16(ns_rr_rdata(rr));
		if (pref >= best || ns_name_uncompress(ns_msg_base(msg), ns_msg_end(msg),
						       ns_rr_rdata(rr) + 2, name, sizeof(name)) < 0)
			continue;
		best = pref;
		free(*host);
		*host = xstrdup(name);
	}
	if (!*host) {
		*host = xstrdup(domain);
		return 0;
	}
	if (!**host || !strcmp(*host, ".")) {
		FREE_AND_NULL(*host);
		*err = xstrfmt("--mx: %s publishes a null MX (RFC 7505): it takes no mail", domain);
		return -1;
	}
	return 0;
}
