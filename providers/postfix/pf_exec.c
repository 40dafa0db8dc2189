/*
 * pf_exec.c - run one Postfix tool (postconf, postmap, postalias) with
 * fork/exec, no shell: argv goes to the program as given. Its standard
 * input is fed from a buffer (postmap -q - reads keys there), standard
 * output is captured up to a bound, standard error is kept (bounded) for the
 * one-line message, and the tool is killed after a timeout.
 */
#include "postfix.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PF_STDERR_MAX 4096

/* now_ms - a monotonic clock in milliseconds */
static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* first_line - the first non-empty line of s, without control characters (caller frees) */
static char *first_line(const char *s)
{
	while (*s == '\n' || *s == '\r')
		s++;
	size_t n = strcspn(s, "\r\n");
	char *line = xstrndup(s, n > 300 ? 300 : n);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return line;
}

/* child - set up the pipes as fds 0, 1, 2 and exec argv[0] (never returns) */
static void child(char *const argv[], int in, int out, int errfd)
{
	dup2(in, 0);
	dup2(out, 1);
	dup2(errfd, 2);
	for (int fd = 3; fd < 64; fd++)
		close(fd);
	/* the tools find their configuration through -c, never MAIL_CONFIG */
	unsetenv("MAIL_CONFIG");
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* pump - move data between the child's pipes until both outputs close or
 * time runs out; returns 0, or -1 with *why (timeout, too much output) */
static int pump(int in, int out, int errfd, const char *input, struct strbuf *sout,
		struct strbuf *serr, long timeout_ms, const char **why)
{
	size_t in_off = 0, in_len = input ? strlen(input) : 0;
	long long deadline = now_ms() + timeout_ms;
	char buf[65536];
	if (!in_len) {
		close(in);
		in = -1;
	}
	while (out >= 0 || errfd >= 0) {
		struct pollfd p[3] = { { out, POLLIN, 0 }, { errfd, POLLIN, 0 }, { in, POLLOUT, 0 } };
		long long left = deadline - now_ms();
		if (left <= 0) {
			*why = "timed out";
			break;
		}
		if (poll(p, 3, (int)(left > 1000 ? 1000 : left)) < 0 && errno != EINTR) {
			*why = "poll failed";
			break;
		}
		if (in >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t n = write(in, input + in_off, in_len - in_off);
			if (n > 0)
				in_off += (size_t)n;
			if (n < 0 || in_off == in_len) {
				close(in);
				in = -1;
			}
		}
		for (int i = 0; i < 2; i++) {
			int *fd = i ? &errfd : &out;
			if (*fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t n = read(*fd, buf, sizeof(buf));
			if (n <= 0) {
				close(*fd);
				*fd = -1;
			} else if (i && serr->len + (size_t)n < PF_STDERR_MAX) {
				if (strbuf_add(serr, buf, (size_t)n))
					*why = "too much output";
			} else if (!i && strbuf_add(sout, buf, (size_t)n)) {
				*why = "too much output";
			}
		}
		if (*why)
			break;
	}
	for (int fd, i = 0; i < 3; i++)
		if ((fd = i == 0 ? in : i == 1 ? out : errfd) >= 0)
			close(fd);
	return *why ? -1 : 0;
}

/* pf_run - see postfix.h */
int pf_run(char *const argv[], const char *input, struct strbuf *out, long timeout_ms, char **err)
{
	int pin[2], pout[2], perr[2], status = 0;
	struct strbuf serr = STRBUF_INIT;
	const char *why = NULL;
	pid_t pid;

	if (pipe2(pin, O_CLOEXEC) || pipe2(pout, O_CLOEXEC) || pipe2(perr, O_CLOEXEC)) {
		*err = xstrfmt("%s: cannot create a pipe: %s", argv[0], strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		*err = xstrfmt("%s: cannot fork: %s", argv[0], strerror(errno));
		for (int i = 0; i < 2; i++) {
			close(pin[i]);
			close(pout[i]);
			close(perr[i]);
		}
		return -1;
	}
	if (pid == 0)
		child(argv, pin[0], pout[1], perr[1]);
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	pump(pin[1], pout[0], perr[0], input, out, &serr, timeout_ms, &why);
	if (why)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (why) {
		*err = xstrfmt("%s: %s", argv[0], why);
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char *line = first_line(serr.buf);
		*err = *line ? xstrfmt("%s", line)
			     : xstrfmt("%s exited with status %d", argv[0],
				       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		free(line);
		strbuf_release(&serr);
		return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	}
	strbuf_release(&serr);
	return why ? -1 : 0;
}
