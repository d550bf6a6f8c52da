/* alt.c - start and whole-run times of two or more commands, run in turn, for bench/run.sh.
 *
 *   alt RUNS GAP_MS A... :: B... [:: C...]...
 *                                  run A, then B (then C...), RUNS times each, in turn,
 *                                  GAP_MS apart; one line per run: "A|B|C... start_us whole_us"
 *   alt -s                         the probe: print CLOCK_MONOTONIC in ns and exit
 *
 * Each command must end in the probe (`alt -s`): "start" is the time from just before the
 * fork that execs the command to the probe's clock reading (the jailed program running),
 * "whole" from the same point to the command's exit.  CLOCK_MONOTONIC is one clock for
 * every network namespace.  Alternating (A, B, A, B...) gives every command the same
 * share of a noisy machine; the gap lets the kernel finish a run's background work (a
 * namespace's removal) before the next.  Bench-only code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Run @argv with its stdout on a pipe; prints "@name start_us whole_us".  0 or -1. */
static int one_run(const char *name, char **argv)
{
	char buf[64] = "";
	long long t0, stamp, t2;
	ssize_t got, len = 0;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds) < 0)
		return -1;
	t0 = now_ns();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while ((got = read(fds[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0 ||
	       (got < 0 && errno == EINTR))
		len += got > 0 ? got : 0;
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	t2 = now_ns();
	stamp = strtoll(buf, NULL, 10);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stamp < t0) {
		fprintf(stderr, "alt: %s failed (status %d)\n", argv[0], status);
		return -1;
	}
	printf("%s %lld %lld\n", name, (stamp - t0) / 1000, (t2 - t0) / 1000);
	fflush(stdout);
	return 0;
}

#define MAX_COMMANDS 8

int main(int argc, char **argv)
{
	static const char *const names[MAX_COMMANDS] = { "A", "B", "C", "D", "E", "F", "G", "H" };
	char **cmds[MAX_COMMANDS];
	struct timespec gap;
	long runs, gap_ms;
	int n = 1;

	if (argc == 2 && !strcmp(argv[1], "-s")) {
		printf("%lld\n", now_ns());
		return 0;
	}
	if (argc < 6)
		goto usage;
	runs = strtol(argv[1], NULL, 10);
	gap_ms = strtol(argv[2], NULL, 10);
	cmds[0] = argv + 3;
	for (int i = 3; i < argc; i++)
		if (!strcmp(argv[i], "::")) {
			if (n == MAX_COMMANDS)
				goto usage;
			argv[i] = NULL;
			cmds[n++] = argv + i + 1;
		}
	if (runs < 1 || gap_ms < 0 || n < 2)
		goto usage;
	for (int c = 0; c < n; c++)
		if (!*cmds[c])
			goto usage;
	gap.tv_sec = gap_ms / 1000;
	gap.tv_nsec = gap_ms % 1000 * 1000000L;
	for (long i = 0; i < runs; i++)
		for (int c = 0; c < n; c++) {
			nanosleep(&gap, NULL);
			if (one_run(names[c], cmds[c]) < 0)
				return 1;
		}
	return 0;
usage:
	fprintf(stderr, "usage: alt RUNS GAP_MS A... :: B... [:: C...]...  |  alt -s\n");
	return 2;
}
