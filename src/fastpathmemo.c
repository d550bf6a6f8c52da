/* fastpathmemo.c - a kernel's refusal of flowtables, remembered in netjail's state.
 *
 * Where the kernel has no nf_flow_table (this project's own test machine; a kernel built
 * without it), each jail's fast path transaction (fastpath.c) is refused, and undoing a
 * refused nftables transaction waits out an RCU grace period (nf_tables_abort): 5-59 ms a
 * start, over a third of a whole run (bench/results/notes.md, "Start").  The answer does
 * not change while the kernel runs, so the first refusal is written down, as the file
 * NO_FLOWTABLE in the state directory (a tmpfs under /run: it goes with the boot), and later
 * jails do not ask.  Only the kernel's own "no such type" counts (ENOENT, EOPNOTSUPP), not
 * a passing error.  An admin who loads the module afterwards runs `netjail --cleanup`,
 * which forgets it.  Anyone can make netjail forget it (--cleanup is every user's), which
 * costs one more refused transaction, and only a refusal by the kernel writes it.
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fastpathmemo.h"
#include "log.h"
#include "statefile.h"

#define NO_FLOWTABLE "no-flowtable"

bool fastpath_refused_before(struct state *st)
{
	int fd = root_openat(st->dir_fd, NO_FLOWTABLE, O_RDONLY | O_NOFOLLOW);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

const char *fastpath_skip_reason(const struct netjail_conf *conf, struct state *st)
{
	if (conf->no_fastpath)
		return "netjail.conf: fastpath = no";
	if (fastpath_refused_before(st))
		return "this kernel refused one before; netjail --cleanup asks again";
	return NULL;
}

void fastpath_remember_refusal(struct state *st, int err)
{
	static const char text[] = "the kernel refused a flowtable\n";

	if (err != -ENOENT && err != -EOPNOTSUPP)
		return;
	if (state_write_whole(st, NO_FLOWTABLE, text, sizeof(text) - 1, true) == 0)
		log_verbose("this kernel's refusal of flowtables remembered until netjail --cleanup");
}

void fastpath_forget_refusal(struct state *st)
{
	root_unlinkat(st->dir_fd, NO_FLOWTABLE);
}
