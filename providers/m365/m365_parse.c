/*
 * m365_parse.c - Microsoft 365 value formats: proxy addresses
 * ("SMTP:primary", "smtp:secondary", other types), ForwardingSmtpAddress
 * ("smtp:addr"), inbox-rule recipient strings ("\"Name\" [SMTP:addr]"), and
 * small cJSON accessors that never look at annotation keys ("...@odata.type").
 */
#include "m365.h"
#include "base/util.h"

#include <ctype.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

/* m365_proxy_parse - see m365.h */
int m365_proxy_parse(const char *p, const char **addr, size_t *len, bool *primary)
{
	const char *colon;
	if (!p || !(colon = strchr(p, ':')) || colon == p)
		return -1;
	if ((size_t)(colon - p) != 4 || strncasecmp(p, "smtp", 4))
		return 0;
	*primary = !strncmp(p, "SMTP", 4);
	p = colon + 1;
	while (*p == ' ')
		p++; /* the Graph docs' example has "SMTP: bob@..." */
	*len = strlen(p);
	while (*len && p[*len - 1] == ' ')
		(*len)--;
	if (!*len || !memchr(p, '@', *len))
		return -1;
	*addr = p;
	return 1;
}

/* m365_smtp_value - see m365.h */
char *m365_smtp_value(const char *s)
{
	const char *a;
	size_t n;
	bool prim;
	if (!s || !*s)
		return NULL;
	if (m365_proxy_parse(s, &a, &n, &prim) == 1)
		return xstrndup(a, n);
	if (strchr(s, ':') || !strchr(s, '@'))
		return NULL;
	return xstrdup(s);
}

/* m365_recipient_string - see m365.h */
char *m365_recipient_string(const char *s)
{
	const char *open, *close;
	if (!s)
		return NULL;
	while (isspace((unsigned char)*s))
		s++;
	/* the address is the last "[TYPE:address]" group; names may contain brackets */
	close = strrchr(s, ']');
	if (close) {
		for (open = close; open > s && *open != '['; open--)
			;
		if (*open != '[' || close - open < 3)
			return NULL;
		{
			char *inner = xstrndup(open + 1, (size_t)(close - open - 1));
			char *addr = NULL;
			const char *a;
			size_t n;
			bool prim;
			if (m365_proxy_parse(inner, &a, &n, &prim) == 1)
				addr = xstrndup(a, n);
			free(inner);
			return addr;
		}
	}
	if (strchr(s, '@') && !strchr(s, ' ') && !strchr(s, '"'))
		return m365_smtp_value(s);
	return NULL;
}

/* m365_json_str - see m365.h */
const char *m365_json_str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) && *v->valuestring ? v->valuestring : NULL;
}

/* m365_json_bool - see m365.h */
enum tristate m365_json_bool(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (cJSON_IsBool(v))
		return cJSON_IsTrue(v) ? TRI_TRUE : TRI_FALSE;
	if (cJSON_IsString(v)) {
		if (!strcasecmp(v->valuestring, "true"))
			return TRI_TRUE;
		if (!strcasecmp(v->valuestring, "false"))
			return TRI_FALSE;
	}
	return TRI_UNSET;
}

/* m365_is_guid - see m365.h */
bool m365_is_guid(const char *s)
{
	static const int groups[] = { 8, 4, 4, 4, 12 };
	if (!s)
		return false;
	for (int g = 0; g < 5; g++) {
		for (int i = 0; i < groups[g]; i++, s++)
			if (!isxdigit((unsigned char)*s))
				return false;
		if (g < 4 && *s++ != '-')
			return false;
	}
	return !*s;
}

/* m365_domain_type - see m365.h */
int m365_domain_type(const char *type)
{
	/* Get-AcceptedDomain DomainType (Set-AcceptedDomain -DomainType:
	 * Authoritative | InternalRelay | ExternalRelay); absent = Authoritative,
	 * the default of New-AcceptedDomain */
	if (!type || !strcasecmp(type, "Authoritative"))
		return DOM_AUTHORITATIVE;
	if (!strcasecmp(type, "InternalRelay"))
		return DOM_INTERNAL_RELAY;
	if (!strcasecmp(type, "ExternalRelay"))
		return DOM_EXTERNAL_RELAY;
	return -1;
}

/* parse_when - "YYYY-MM-DDTHH:MM:SS[.fffffff][Z]" to seconds since the epoch (UTC) */
static bool parse_when(const char *v, time_t *out)
{
	struct tm tm = { 0 };
	int n = 0;
	if (!v || sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19)
		return false;
	if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return false;
	tm.tm_year -= 1900;
	tm.tm_mon--;
	*out = timegm(&tm);
	return true;
}

/* reply_bound - one of the schedule's dateTimeTimeZone values: 1 read into *t
 * (*utc: its timeZone is UTC), 0 absent, -1 malformed */
static int reply_bound(const cJSON *ar, const char *key, time_t *t, bool *utc)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(ar, key);
	const char *dt = m365_json_str(o, "dateTime"), *tz = m365_json_str(o, "timeZone");
	if (!o || cJSON_IsNull(o))
		return 0;
	if (!parse_when(dt, t))
		return -1;
	*utc = !tz || !strcasecmp(tz, "UTC") || !strcasecmp(tz, "Etc/UTC") ||
	       !strcasecmp(tz, "Coordinated Universal Time");
	return 1;
}

/* m365_reply_active - see m365.h */
int m365_reply_active(const cJSON *ar, const char *now, char **err)
{
	/* status is disabled | alwaysEnabled | scheduled; a scheduled reply is
	 * sent only between scheduledStartDateTime and scheduledEndDateTime
	 * (Graph automaticRepliesSetting, m365.md §2.5). Graph returns the
	 * times in UTC unless a Prefer: outlook.timezone header asks otherwise;
	 * another zone name is not converted here: the window is widened by the
	 * largest UTC offsets (-12/+14 h) so a reply is never called over early */
	const char *status = m365_json_str(ar, "status");
	static const char *const keys[2] = { "scheduledStartDateTime", "scheduledEndDateTime" };
	time_t t[2], at;
	bool utc[2] = { true, true };
	int have[2];
	if (!status || !strcasecmp(status, "disabled"))
		return 0;
	if (strcasecmp(status, "scheduled"))
		return 1;
	if (!parse_when(now, &at)) {
		*err = xstrfmt("the current time '%s' is not an ISO 8601 UTC time", now ? now : "");
		return -1;
	}
	for (int i = 0; i < 2; i++)
		if ((have[i] = reply_bound(ar, keys[i], &t[i], &utc[i])) < 0) {
			*err = xstrfmt("automaticRepliesSetting.%s.dateTime is not a date", keys[i]);
			return -1;
		}
	if (have[0] && at < t[0] - (utc[0] ? 0 : 14 * 3600))
		return 0; /* not started yet */
	if (have[1] && at >= t[1] + (utc[1] ? 0 : 12 * 3600))
		return 0; /* over */
	return 1;
}

/* the service roots of Microsoft's clouds; each is its own token resource
 * (scope "<root>/.default"). Graph: learn.microsoft.com/graph/deployments
 * ("Any permission scope value ... MUST use the domain of the Microsoft Graph
 * service root endpoint for the national cloud deployment",
 * graph/sdks/national-clouds). Exchange: the Connect-ExchangeOnline
 * ConnectionUri of each cloud (outlook.office365.us GCC High,
 * webmail.apps.mil DoD, partner.outlook.cn 21Vianet; office-docs-powershell
 * Connect-IPPSSession/Connect-ExchangeOnline) and the scopes public clients
 * request there (https://partner.outlook.cn/.default, https://outlook.office365.us/.default,
 * https://outlook-dod.office365.us/.default) */
static const char *const cloud_hosts[] = {
	"graph.microsoft.com", "graph.microsoft.us", "dod-graph.microsoft.us",
	"microsoftgraph.chinacloudapi.cn",
	"outlook.office365.com", "outlook.office365.us", "outlook-dod.office365.us",
	"webmail.apps.mil", "partner.outlook.cn", NULL,
};

/* m365_scope - see m365.h */
char *m365_scope(const char *root, const char *resource, const char *fallback)
{
	const char *h, *end;
	size_t n;
	if (resource && *resource) {
		n = strlen(resource);
		while (n && resource[n - 1] == '/')
			n--;
		if (n > 9 && !strncmp(resource + n - 9, "/.default", 9))
			n -= 9;
		return xstrfmt("%.*s/.default", (int)n, resource);
	}
	if (root && !strncasecmp(root, "https://", 8)) {
		h = root + 8;
		end = h + strcspn(h, "/?#");
		n = (size_t)(end - h);
		if (n > 4 && !strncmp(end - 4, ":443", 4))
			n -= 4;
		for (int i = 0; cloud_hosts[i]; i++)
			if (strlen(cloud_hosts[i]) == n && !strncasecmp(h, cloud_hosts[i], n))
				return xstrfmt("https://%s/.default", cloud_hosts[i]);
	}
	/* another root (a proxy, a test double) stands for the global service
	 * unless graph_resource / exchange_resource say otherwise */
	return xstrfmt("%s/.default", fallback);
}
