/*
 * fuzz_smtp_reply.c - libFuzzer target for the SMTP reply reader of
 * `aliasaudit probe` (src/net/smtp_probe.c): a server thread on loopback
 * sends the input as everything the server says in one session (greeting,
 * EHLO, MAIL, RCPT replies: multi-line, malformed, truncated, overlong), and
 * smtp_probe runs a whole session against it.
 */
#include "net/smtp_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int listener = -1;
static char port[16];

struct serve {
	const uint8_t *data;
	size_t size;
};

/* serve_one - accept one connection, send the input, read until the client closes */
static void *serve_one(void *arg)
{
	struct serve *sv = arg;
	char buf[4096];
	int fd = accept(listener, NULL, NULL);
	if (fd < 0)
		return NULL;
	for (size_t done = 0; done < sv->size;) {
		ssize_t w = send(fd, sv->data + done, sv->size - done, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	close(fd);
	return NULL;
}

static void listen_once(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (struct sockaddr *)&a, sizeof(a)) || listen(listener, 4) ||
	    getsockname(listener, (struct sockaddr *)&a, &len))
		abort();
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const addrs[] = { "a@fuzz.example", "b@fuzz.example", "c@fuzz.example" };
	struct smtp_probe_opts o = { .host = "127.0.0.1", .timeout_ms = 200 };
	struct smtp_reply out[3];
	struct smtp_probe_session sess;
	struct serve sv = { data, size };
	pthread_t t;
	char *err = NULL;

	if (listener < 0)
		listen_once();
	o.port = port;
	memset(out, 0, sizeof(out));
	memset(&sess, 0, sizeof(sess));
	if (pthread_create(&t, NULL, serve_one, &sv))
		abort();
	(void)smtp_probe(&o, addrs, 3, out, &sess, &err);
	pthread_join(t, NULL);
	for (int i = 0; i < 3; i++)
		smtp_reply_release(&out[i]);
	smtp_probe_session_release(&sess);
	free(err);
	return 0;
}
