/* reaper.h - the jail's own first process: it starts COMMAND and outlives it for as long
 * as anything started in the jail lives. */
#ifndef NETJAIL_REAPER_H
#define NETJAIL_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

/* What the reaper and the supervisor say on their socket.  Up: COMMAND's exit status, an
 * int, when COMMAND ended and other processes live on in the jail.  Down: REAPER_STOP, one
 * byte: end every process of the jail (SIGTERM, SIGKILL after REAPER_STOP_GRACE_MS).  The
 * supervisor's end closing (it died) ends them at once with SIGKILL. */
#define REAPER_STOP 's'
#define REAPER_STOP_GRACE_MS 5000
/* Its name in ps, pgrep and /proc/PID/comm: not netjail's, which is the supervisor's. */
#define REAPER_COMM "netjail-reaper"

/* Whether @pid is (still) a jail's reaper, by its name: --stop and --join check it after
 * opening their pidfd, so that a recycled pid is not taken for the jail's. */
bool reaper_is(pid_t pid);

/* netjail's exit status for waitpid's @wait_status: the exit code, or 128+N for signal N. */
int reaper_exit_status(int wait_status);

/* In the jail's child, before the drop: become a child subreaper and fork COMMAND's
 * process.  fork()'s return, or -1 with errno. */
pid_t reaper_fork(void);

/* Then, in the parent, after the drop: reap every process of the jail until none is
 * left, and exit with COMMAND's status (that of @command, its pid).  @sock is the socket
 * to @supervisor.  The jail's own reaper also counts the programs joined to the jail, whose
 * links come to @listener; a joined program's reaper holds @link to the jail's (both
 * joinlink.c; -1 where there is none). */
__attribute__((noreturn))
void reaper_run(int sock, pid_t supervisor, pid_t command, int listener, int link);

#endif
