/*
 * url.h - checks of URLs from configuration, done by libcurl's own URL
 * parser (curl_url), so what is accepted is what the HTTP layer will use.
 */
#ifndef ALIASAUDIT_URL_H
#define ALIASAUDIT_URL_H

/* url_check_service - NULL when url is an https:// URL with a host and no
 * user name or password in it; else why not (caller frees) */
char *url_check_service(const char *url);

#endif
