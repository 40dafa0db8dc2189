/*
 * url.c - configuration URLs checked with libcurl's URL parser (url.h).
 */
#include "net/url.h"
#include "base/util.h"

#include <curl/curl.h>
#include <string.h>

/* url_check_service - see url.h */
char *url_check_service(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL, *why = NULL;
	if (!u)
		oom();
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		why = xstrfmt("'%s' is not a URL", url);
	else if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK || strcmp(scheme, "https"))
		why = xstrfmt("'%s' is not an https:// URL", url);
	else if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK || !*host)
		why = xstrfmt("'%s' names no host", url);
	else if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		 curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK)
		why = xstrdup("credentials never sit in a URL: remove the user name and password");
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return why;
}
