/* test_procstat.c - /proc/PID/stat parsed after the last ')': names with spaces and ')';
 * /proc/PID files read whole and NUL-terminated. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "check.h"
#include "procstat.h"

/* A line as Linux 6.18 writes it, with @comm (and @ppid, @start) put in. */
static int parse(const char *comm, const char *ppid, const char *start, struct proc_stat *ps)
{
	char line[1024];

	snprintf(line, sizeof(line), "23375 (%s) S %s 23373 20433 0 -1 4194304 100 0 0 0 0 0 0 0 "
		 "20 0 1 0 %s 3133440 410 18446744073709551615 94409929732096 0 0 0 0 17 1 0\n",
		 comm, ppid, start);
	return proc_stat_parse(line, ps);
}

int main(void)
{
	struct proc_stat ps;
	char long_comm[PROC_STAT_COMM_MAX + 2];

	CHECK(parse("cat", "23373", "3696710", &ps) == 0);
	CHECK(!strcmp(ps.comm, "cat") && ps.state == 'S' && ps.ppid == 23373 && ps.start == 3696710);

	/* A name that forges fields after a ')' of its own: the last ')' ends it. */
	memset(&ps, 0, sizeof(ps));
	CHECK(parse("x) T 1 (y", "42", "7", &ps) == 0);
	CHECK(!strcmp(ps.comm, "x) T 1 (y") && ps.state == 'S' && ps.ppid == 42 && ps.start == 7);
	CHECK(parse("a b) Z 9 ", "42", "7", &ps) == 0);
	CHECK(!strcmp(ps.comm, "a b) Z 9 ") && ps.state == 'S' && ps.ppid == 42);
	CHECK(parse(")", "1", "8", &ps) == 0 && !strcmp(ps.comm, ")"));
	CHECK(parse("", "0", "8", &ps) == 0 && !strcmp(ps.comm, "") && ps.ppid == 0);

	/* As long as the kernel writes one, and one more. */
	memset(long_comm, 'k', sizeof(long_comm) - 1);
	long_comm[PROC_STAT_COMM_MAX] = '\0';
	CHECK(parse(long_comm, "2", "8", &ps) == 0 && strlen(ps.comm) == PROC_STAT_COMM_MAX);
	long_comm[PROC_STAT_COMM_MAX] = 'k';
	long_comm[PROC_STAT_COMM_MAX + 1] = '\0';
	CHECK(parse(long_comm, "2", "8", &ps) == -EPROTO);

	/* Numbers are whole and plain: no sign, no space, no overflow. */
	CHECK(parse("c", "-1", "8", &ps) == -EPROTO);
	CHECK(parse("c", "+1", "8", &ps) == -EPROTO);
	CHECK(parse("c", "2147483648", "8", &ps) == -EPROTO);
	CHECK(parse("c", "2147483647", "8", &ps) == 0 && ps.ppid == INT_MAX);
	CHECK(parse("c", "1", "18446744073709551615", &ps) == 0 && ps.start == 18446744073709551615ULL);
	CHECK(parse("c", "1", "18446744073709551616", &ps) == -EPROTO);
	CHECK(parse("c", "1", "-8", &ps) == -EPROTO);
	CHECK(parse("c", "1", "x", &ps) == -EPROTO);

	/* Cut or malformed lines. */
	CHECK(proc_stat_parse("", &ps) == -EPROTO);
	CHECK(proc_stat_parse("1 (init", &ps) == -EPROTO);
	CHECK(proc_stat_parse("1 (init) S 0", &ps) == -EPROTO);
	CHECK(proc_stat_parse("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9", &ps) ==
	      -EPROTO);	/* field 22 must be followed by field 23 */
	CHECK(proc_stat_parse("1 (init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9 ", &ps) == 0 &&
	      ps.start == 9 && ps.ppid == 0 && !strcmp(ps.comm, "init"));
	CHECK(proc_stat_parse("1 (init) SS 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9 ", &ps) ==
	      -EPROTO);
	CHECK(proc_stat_parse("x (init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9 ", &ps) ==
	      -EPROTO);
	CHECK(proc_stat_parse("1 init) S 0 1 1 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 9 ", &ps) ==
	      -EPROTO);

	/* This very process, renamed as an adversary would name it, read from the kernel. */
	CHECK(prctl(PR_SET_NAME, "t) Z 1 (u v", 0, 0, 0) == 0);
	memset(&ps, 0, sizeof(ps));
	CHECK(proc_stat_read(getpid(), &ps) == 0);
	CHECK(!strcmp(ps.comm, "t) Z 1 (u v") && ps.state == 'R' && ps.ppid == getppid() &&
	      ps.start > 0);
	CHECK(proc_stat_read(-1, &ps) == -ENOENT);
	{
		char comm[32], tiny[4];

		CHECK(proc_read(getpid(), "comm", comm, sizeof(comm)) == 12 &&
		      !strcmp(comm, "t) Z 1 (u v\n"));
		CHECK(proc_read(getpid(), "comm", tiny, sizeof(tiny)) == 3 && !strcmp(tiny, "t) "));
		CHECK(proc_read(getpid(), "no-such-file", comm, sizeof(comm)) == -ENOENT);
	}
	return CHECK_DONE("procstat");
}
