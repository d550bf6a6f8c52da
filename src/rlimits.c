/* rlimits.c - the caller's resource limits: kept aside for COMMAND, not netjail's.
 *
 * A user may lower any soft and hard limit before running the setuid netjail.  As they
 * come, they would decide where a privileged run stops: a file size limit kills netjail
 * with SIGXFSZ half-way through writing its state, a CPU limit with SIGXCPU or SIGKILL, a
 * small stack with SIGSEGV inside a netlink call, a few descriptors fail a step in the
 * middle of setup.  So, as sudo does with its own limits:
 *   - at privileged start, every soft limit that can end or fail a step is raised to its
 *     hard limit, which needs no privilege.  Not past it: that needs CAP_SYS_RESOURCE,
 *     which a netjail installed with file capabilities does not have, and both installs
 *     must behave alike;
 *   - a run or a cleanup refuses, before it changes anything, a hard limit below what
 *     netjail needs (rlimits_check), in one line naming it;
 *   - SIGXFSZ is ignored meanwhile (priv.c): a write past the limit fails with EFBIG, an
 *     error like any other, instead of ending netjail with its work half done;
 *   - COMMAND gets the caller's limits back right before exec, soft and hard, as it would
 *     have had them without netjail.
 * Not raised: RLIMIT_CORE (a privileged process dumps no more than its caller allowed),
 * RLIMIT_NICE and RLIMIT_RTPRIO (ceilings for raising one's priority, which netjail never
 * does), RLIMIT_LOCKS and RLIMIT_RSS (the kernel ignores them).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/resource.h>

#include "rlimits.h"

static const int raised[] = {
	RLIMIT_CPU, RLIMIT_FSIZE, RLIMIT_DATA, RLIMIT_STACK, RLIMIT_NPROC, RLIMIT_NOFILE,
	RLIMIT_MEMLOCK, RLIMIT_AS, RLIMIT_SIGPENDING, RLIMIT_MSGQUEUE, RLIMIT_RTTIME,
};
#define RAISED_COUNT ((int)(sizeof(raised) / sizeof(raised[0])))

/* What the caller had, for COMMAND; known[i] if getrlimit told. */
static struct rlimit caller[RAISED_COUNT];
static bool known[RAISED_COUNT];

/* What a run needs at least, with margin.  Measured: netjail needs some 15 descriptors
 * (-P adds one each), writes files of a few KiB (the uplink's record, the jail's
 * resolv.conf and nsswitch.conf), died in a netlink call with a 64 KiB stack, failed to
 * allocate its nftables batches (in setup, then in teardown) with 600 kB of data and ran
 * in 5 MB of address space, and uses milliseconds of CPU to set up, the supervisor next
 * to nothing after that.  A run that reaches a hard CPU limit later is killed (SIGKILL),
 * as its user may always do: the next run or --cleanup puts the host back. */
#define KIB ((rlim_t)1024)
#define MIB (KIB * 1024)
static const struct {
	int resource;
	rlim_t least;
	rlim_t unit;		/* as ulimit shows it */
	const char *name, *unit_name;
} needs[] = {
	{ RLIMIT_NOFILE, 64, 1, "open files limit (ulimit -n)", "" },
	{ RLIMIT_FSIZE, 64 * KIB, KIB, "file size limit (ulimit -f)", " KiB" },
	{ RLIMIT_STACK, MIB, KIB, "stack size limit (ulimit -s)", " KiB" },
	{ RLIMIT_DATA, 16 * MIB, KIB, "data size limit (ulimit -d)", " KiB" },
	{ RLIMIT_AS, 32 * MIB, KIB, "virtual memory limit (ulimit -v)", " KiB" },
	{ RLIMIT_CPU, 10, 1, "CPU time limit (ulimit -t)", " s" },
};

void rlimits_take_from_caller(void)
{
	for (int i = 0; i < RAISED_COUNT; i++) {
		struct rlimit own;

		known[i] = getrlimit(raised[i], &caller[i]) == 0;
		if (!known[i] || caller[i].rlim_cur == caller[i].rlim_max)
			continue;
		own = (struct rlimit){ .rlim_cur = caller[i].rlim_max, .rlim_max = caller[i].rlim_max };
		/* Cannot fail (up to the hard limit is always allowed); if it did,
		 * rlimits_check judges what is left. */
		setrlimit(raised[i], &own);
	}
}

int rlimits_check(const char **why)
{
	static char sentence[160];

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		struct rlimit now;

		if (getrlimit(needs[i].resource, &now) || now.rlim_cur == RLIM_INFINITY ||
		    now.rlim_cur >= needs[i].least)
			continue;
		snprintf(sentence, sizeof(sentence), "the %s is %llu%s: netjail needs at least %llu%s",
			 needs[i].name, (unsigned long long)(now.rlim_cur / needs[i].unit),
			 needs[i].unit_name, (unsigned long long)(needs[i].least / needs[i].unit),
			 needs[i].unit_name);
		*why = sentence;
		return -EDQUOT;
	}
	return 0;
}

int rlimits_give_back_to_caller(void)
{
	for (int i = 0; i < RAISED_COUNT; i++)
		if (known[i] && setrlimit(raised[i], &caller[i]))
			return -errno;
	return 0;
}
