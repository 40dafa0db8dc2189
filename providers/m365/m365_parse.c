/*
 * m365_parse.c - Microsoft 365 value formats: proxy addresses
 * ("SMTP:primary", "smtp:secondary", other types), ForwardingSmtpAddress
 * ("smtp:addr"), inbox-rule recipient strings ("\"Name\" [SMTP:addr]"), and
 * small cJSON accessors that never look at annotation keys ("...@odata.type").
 */
#include "m365.h"
#include "base/util.h"

#include <ctype.h>
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
