/* priv.c - privilege handling, all of it.
 *
 * netjail is installed setuid root or with file capabilities; both end up in the same
 * place within the first lines of main (priv_init):
 *   - every signal at its default disposition and none blocked: the caller chose what we
 *     inherit, and an ignored SIGCHLD (the kernel reaps the child and frees its pid) or a
 *     blocked one must not steer a privileged process.  What the caller had ignored or
 *     blocked is kept aside and given back to COMMAND just before exec, as sudo does, so
 *     `nohup netjail ... COMMAND` still leaves COMMAND ignoring SIGHUP.  SIGXFSZ alone is
 *     ignored meanwhile: a write past the caller's file size limit then fails with EFBIG
 *     and is handled as an error, instead of ending netjail half-way (rlimits.c);
 *   - each soft resource limit raised to its hard one, the caller's kept aside for COMMAND
 *     in the same way (rlimits.c);
 *   - the real user again as uid (setuid mode: one setresuid with keep-caps, never back),
 *     and so the fsuid too: every file is opened with the user's rights unless it is one
 *     of netjail's own fixed paths, opened between priv_files_as_root/_restore; a file
 *     the caller names (a profile) is opened between priv_as_caller_begin/_end, with no
 *     effective capability, since some files open by capability rather than by uid (a
 *     0600 net sysctl to CAP_NET_ADMIN);
 *   - only the capabilities setup needs (SETUP_CAPS), non-dumpable, inheritable and
 *     ambient sets empty;
 *   - umask 077: what netjail creates as root must not take its mode from the caller
 *     (a umask of 0777 made /run/netjail unusable to everyone); priv_drop gives the
 *     caller's umask back, for COMMAND and for the files it writes as the caller.
 * The supervisor narrows to what teardown needs once the child exists.  The child drops
 * everything once, before exec, with setres[ug]id and checks that it cannot be undone
 * (bubblewrap's drop_privs, OpenDoas's setresuid).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "priv.h"
#include "rlimits.h"
#include "util.h"

/* unshare + mount (SYS_ADMIN), netlink and nftables (NET_ADMIN), fsuid 0 for the state
 * under /run/netjail and the final setgroups/setres[ug]id (SETUID, SETGID). */
static const cap_value_t setup_caps[] = {
	CAP_NET_ADMIN, CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID,
};
/* Teardown only talks netlink and touches the state directory.  CAP_KILL, last, only when
 * root runs COMMAND as another user: without it, kill(2) may not pass a signal on to it. */
static const cap_value_t supervisor_caps[] = {
	CAP_NET_ADMIN, CAP_SETUID, CAP_SETGID, CAP_KILL,
};
#define COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))
/* netjail --join enters a jail's namespaces through a pidfd on its reaper: setns(2) needs
 * CAP_SYS_CHROOT for a mount namespace, and CAP_SYS_PTRACE for the reaper, which is not
 * dumpable (so that its user cannot move it into namespaces of their own).  Kept permitted
 * beside setup's where they were given (setuid root; install-caps since named jails; not an
 * older install-caps, where --join alone says so), raised only for that one call. */
static const cap_value_t join_caps[] = { CAP_SYS_CHROOT, CAP_SYS_PTRACE };
static int set_effective(cap_value_t cap, cap_flag_value_t value);

/* The caller's signal state, for COMMAND (priv_give_back_caller_signals). */
static sigset_t caller_ignored, caller_blocked;

/* Every signal to its default and none blocked, keeping aside what the caller ignored and
 * blocked, then SIGXFSZ ignored (see the top of this file).  All is blocked meanwhile, so
 * no signal is acted on with half the old state. */
static void take_signals_from_caller(void)
{
	struct sigaction by_default = { .sa_handler = SIG_DFL };
	sigset_t all, none;

	sigfillset(&all);
	sigemptyset(&none);
	sigemptyset(&caller_ignored);
	sigprocmask(SIG_SETMASK, &all, &caller_blocked);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction old;

		/* glibc keeps its own two real-time signals (EINVAL).  exec leaves a
		 * signal ignored or at its default; a handler was set by our own runtime
		 * (a sanitizer's), not the caller, and stays. */
		if (sigaction(sig, NULL, &old) || old.sa_handler != SIG_IGN)
			continue;
		sigaddset(&caller_ignored, sig);
		sigaction(sig, &by_default, NULL);
	}
	sigaction(SIGXFSZ, &(struct sigaction){ .sa_handler = SIG_IGN }, NULL);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

void priv_give_back_caller_signals(void)
{
	struct sigaction ignore = { .sa_handler = SIG_IGN };

	for (int sig = 1; sig < NSIG; sig++)
		if (sigismember(&caller_ignored, sig) == 1)
			sigaction(sig, &ignore, NULL);
	if (sigismember(&caller_ignored, SIGXFSZ) != 1)
		sigaction(SIGXFSZ, &(struct sigaction){ .sa_handler = SIG_DFL }, NULL);
	sigprocmask(SIG_SETMASK, &caller_blocked, NULL);
}

/* The caller's umask, which priv_init replaces and priv_drop puts back. */
static mode_t caller_umask = 022;

static int make_std_fds_valid(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		struct stat st;

		/* A missing 0-2 would make our first open() the command's stdout. */
		if (fstat(fd, &st) && errno == EBADF && open("/dev/null", O_RDWR) != fd)
			return -EBADF;
	}
	return 0;
}

/* Effective = @caps (plus CAP_SETPCAP if @keep_setpcap), inheritable and ambient empty;
 * permitted the same, or left as it is if @keep_permitted. */
static int set_capabilities(const cap_value_t *caps, int count, bool keep_setpcap,
			    bool keep_permitted)
{
	static const cap_value_t setpcap[] = { CAP_SETPCAP };
	cap_t set = keep_permitted ? cap_get_proc() : cap_init();
	int err = 0;

	if (!set)
		return -ENOMEM;
	if (cap_clear_flag(set, CAP_EFFECTIVE) || cap_clear_flag(set, CAP_INHERITABLE) ||
	    cap_set_flag(set, CAP_EFFECTIVE, count, caps, CAP_SET) ||
	    (!keep_permitted && cap_set_flag(set, CAP_PERMITTED, count, caps, CAP_SET)) ||
	    (keep_setpcap && (cap_set_flag(set, CAP_PERMITTED, 1, setpcap, CAP_SET) ||
			      cap_set_flag(set, CAP_EFFECTIVE, 1, setpcap, CAP_SET))) ||
	    cap_set_proc(set))
		err = -errno;
	cap_free(set);
	if (!err && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		err = -errno;
	return err;
}

static bool has_permitted(const cap_value_t *caps, int count)
{
	cap_t now = cap_get_proc();
	bool all = now != NULL;

	for (int i = 0; all && i < count; i++) {
		cap_flag_value_t value = CAP_CLEAR;

		all = !cap_get_flag(now, caps[i], CAP_PERMITTED, &value) && value == CAP_SET;
	}
	cap_free(now);
	return all;
}

/* Every change of euid or fsuid resets "dumpable" to fs.suid_dumpable, which an admin may
 * have set to 1: say 0 again, so no core dump or ptrace ever sees a privileged netjail. */
static int stay_undumpable(void)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) ? -errno : 0;
}

/* Setuid mode: from euid 0 to the real uid with the permitted set kept.  Effective is
 * emptied by the uid change and raised again by the caller. */
static int become_caller_keeping_caps(void)
{
	uid_t uid = getuid(), ruid, euid, suid;

	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setresuid(uid, uid, uid) ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) || getresuid(&ruid, &euid, &suid))
		return -errno;
	if (ruid != uid || euid != uid || suid != uid || (uid_t)setfsuid((uid_t)-1) != uid)
		return -EPERM;
	return stay_undumpable();
}

int priv_init(const char **why)
{
	bool setuid_root = getuid() != 0 && geteuid() == 0;
	bool root = getuid() == 0 && geteuid() == 0;
	cap_value_t start_caps[COUNT(setup_caps) + COUNT(join_caps)];
	int start_count;

	/* Before anything the caller could interrupt, stop or make reap our children, or
	 * end with a limit of its choosing. */
	take_signals_from_caller();
	caller_umask = umask(077);
	rlimits_take_from_caller();
	if (make_std_fds_valid()) {
		*why = "cannot open /dev/null for a closed standard fd";
		return -EPERM;
	}
	closefrom(3);
	/* Before anything else: no core dump or ptrace of a process that holds privilege. */
	if (stay_undumpable()) {
		*why = "cannot make the process non-dumpable";
		return -EPERM;
	}
	if (!root && !setuid_root && !has_permitted(setup_caps, COUNT(setup_caps)))
		return 0;	/* no privilege at all: priv_require_setup says why, if it matters */
	/* CAP_SETPCAP is kept (where we have it) only to narrow the supervisor's bounding set
	 * after the child, whose COMMAND keeps the caller's bounding set, is forked.  Root
	 * keeps its permitted set for its own child: a root COMMAND that gained capabilities
	 * at exec would lose its parent-death signal (commit_creds) and outlive netjail. */
	/* Both allocate (libcap): under a data or address-space limit below netjail's needs
	 * they fail first, and that limit is the reason to name. */
	memcpy(start_caps, setup_caps, sizeof(setup_caps));
	start_count = COUNT(setup_caps);
	if (has_permitted(join_caps, COUNT(join_caps))) {
		memcpy(start_caps + start_count, join_caps, sizeof(join_caps));
		start_count += COUNT(join_caps);
	}
	if (set_capabilities(start_caps, start_count, root || setuid_root, root)) {
		if (rlimits_check(why) == 0)
			*why = "cannot reduce capabilities to those setup needs";
		return -EPERM;
	}
	if (setuid_root && (become_caller_keeping_caps() ||
			    set_capabilities(start_caps, start_count, true, false))) {
		if (rlimits_check(why) == 0)
			*why = "cannot switch to the calling user's uid";
		return -EPERM;
	}
	/* Permitted, not effective: raised for the one setns (priv_enter_jail). */
	for (int i = COUNT(setup_caps); i < start_count; i++)
		set_effective(start_caps[i], CAP_CLEAR);
	return 0;
}

int priv_require_setup(const char **why)
{
	if (has_permitted(setup_caps, COUNT(setup_caps)))
		return 0;
	/* Under no_new_privs the kernel ignores the setuid bit and file capabilities. */
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
		*why = "started with no_new_privs set (e.g. systemd NoNewPrivileges=), "
		       "which disables the setuid bit netjail needs";
	else
		*why = "needs privileges: install it setuid root (make install) or with file "
		       "capabilities (make install-caps)";
	return -EPERM;
}

int priv_narrow_to_supervisor(bool signal_other_user)
{
	int count = COUNT(supervisor_caps) - (signal_other_user ? 0 : 1);
	cap_t now = cap_get_proc();
	cap_flag_value_t setpcap = CAP_CLEAR;
	int err = 0;

	if (!now)
		return -ENOMEM;
	cap_get_flag(now, CAP_SETPCAP, CAP_EFFECTIVE, &setpcap);
	cap_free(now);
	if (setpcap == CAP_SET) {
		for (cap_value_t cap = 0; !err && cap <= (cap_value_t)cap_max_bits() - 1; cap++) {
			bool keep = false;

			for (int i = 0; i < count; i++)
				keep |= supervisor_caps[i] == cap;
			if (!keep && cap_get_bound(cap) == 1 && cap_drop_bound(cap))
				err = -errno;
		}
	}
	if (!err)
		err = set_capabilities(supervisor_caps, count, false, false);
	return err;
}

/* Raise or lower one capability in the effective set; it must be permitted. */
static int set_effective(cap_value_t cap, cap_flag_value_t value)
{
	cap_t now = cap_get_proc();
	int err = 0;

	if (!now)
		return -ENOMEM;
	if (cap_set_flag(now, CAP_EFFECTIVE, 1, &cap, value) || cap_set_proc(now))
		err = -errno;
	cap_free(now);
	return err;
}

int priv_enter_jail(int pidfd, int nstype)
{
	bool raise = set_effective(join_caps[0], CAP_SET) == 0 &&
		     set_effective(join_caps[1], CAP_SET) == 0;
	int err = raise && setns(pidfd, nstype) ? -errno : raise ? 0 : -EPERM;

	set_effective(join_caps[1], CAP_CLEAR);
	set_effective(join_caps[0], CAP_CLEAR);
	return err;
}

int priv_bind_as_caller(int fd, const struct sockaddr *addr, unsigned len)
{
	/* Root kept its permitted set; a user has no CAP_NET_BIND_SERVICE to raise. */
	bool raise = getuid() == 0 && set_effective(CAP_NET_BIND_SERVICE, CAP_SET) == 0;
	int err = bind(fd, addr, len) ? -errno : 0;

	if (raise)
		set_effective(CAP_NET_BIND_SERVICE, CAP_CLEAR);
	return err;
}

void priv_files_as_root(struct priv_files *saved)
{
	saved->uid = (uid_t)setfsuid(0);
	saved->gid = (gid_t)setfsgid(0);
}

void priv_files_restore(const struct priv_files *saved)
{
	setfsgid(saved->gid);
	setfsuid(saved->uid);
	/* Going back to one's own ids cannot fail; if it did, nothing may run on as root. */
	if ((uid_t)setfsuid((uid_t)-1) != saved->uid || (gid_t)setfsgid((gid_t)-1) != saved->gid ||
	    stay_undumpable())
		abort();
}

int priv_as_caller_begin(struct priv_caller *saved)
{
	cap_t none;
	int err = 0;

	saved->caps = cap_get_proc();
	none = saved->caps ? cap_dup(saved->caps) : NULL;
	if (!none || cap_clear_flag(none, CAP_EFFECTIVE) || cap_set_proc(none))
		err = errno ? -errno : -ENOMEM;
	cap_free(none);
	if (err) {
		cap_free(saved->caps);
		saved->caps = NULL;
	}
	return err;
}

void priv_as_caller_end(struct priv_caller *saved)
{
	/* Raising what is still permitted cannot fail; if it did, setup could not go on. */
	if (cap_set_proc(saved->caps) || stay_undumpable())
		abort();
	cap_free(saved->caps);
	saved->caps = NULL;
}

static int fill_from_passwd(const struct passwd *pw, struct target_user *target)
{
	int count = PRIV_MAX_GROUPS;

	target->uid = pw->pw_uid;
	target->gid = pw->pw_gid;
	snprintf(target->name, sizeof(target->name), "%s", pw->pw_name);
	snprintf(target->home, sizeof(target->home), "%s", pw->pw_dir);
	if (getgrouplist(pw->pw_name, pw->pw_gid, target->groups, &count) < 0)
		return -E2BIG;
	target->group_count = count;
	return 0;
}

static const struct passwd *lookup_user(const char *name)
{
	const struct passwd *pw = getpwnam(name);
	uint32_t uid;

	if (!pw && parse_u32(name, 0, 0x7fffffff, &uid) == 0)
		pw = getpwuid((uid_t)uid);
	return pw;
}

int priv_resolve_target(const char *user_option, struct target_user *target)
{
	const struct passwd *pw = NULL;
	const char *sudo_uid;
	uint32_t uid;

	memset(target, 0, sizeof(*target));
	if (getuid() != 0) {
		/* A user runs us setuid: they keep who they are, groups included. */
		if (user_option)
			return -EPERM;
		target->uid = getuid();
		target->gid = getgid();
		target->group_count = getgroups(PRIV_MAX_GROUPS, target->groups);
		return target->group_count < 0 ? -errno : 0;
	}
	if (user_option) {
		pw = lookup_user(user_option);
		if (!pw)
			return -ENOENT;
	} else if ((sudo_uid = getenv("SUDO_UID")) && parse_u32(sudo_uid, 1, 0x7fffffff, &uid) == 0) {
		/* The real uid is root, so this environment is root's own: trusting it
		 * grants nothing.  `sudo netjail ...` runs the command as the sudo caller. */
		pw = getpwuid((uid_t)uid);
		if (!pw)
			return -ENOENT;
	}
	if (!pw) {
		target->uid = 0;
		target->gid = getgid();
		target->group_count = getgroups(PRIV_MAX_GROUPS, target->groups);
		return target->group_count < 0 ? -errno : 0;
	}
	target->set_login_env = pw->pw_uid != 0;
	return fill_from_passwd(pw, target);
}

static int clear_capabilities(void)
{
	cap_t empty = cap_init();
	int err = 0;

	if (!empty)
		return -ENOMEM;
	if (cap_set_proc(empty))
		err = -errno;
	cap_free(empty);
	if (!err && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		err = -errno;
	return err;
}

static int verify_capabilities_empty(void)
{
	cap_t now = cap_get_proc(), empty = cap_init();
	int differ;

	if (!now || !empty) {
		cap_free(now);
		cap_free(empty);
		return -ENOMEM;
	}
	differ = cap_compare(now, empty);
	cap_free(now);
	cap_free(empty);
	return differ ? -EPERM : 0;
}

/* true if the process's supplementary groups are already @target's (the caller's own),
 * in which case setgroups(), which needs CAP_SETGID, has nothing to do. */
static bool has_groups(const struct target_user *target)
{
	gid_t now[PRIV_MAX_GROUPS];
	int count = getgroups(PRIV_MAX_GROUPS, now);

	return count == target->group_count &&
	       (count == 0 || memcmp(now, target->groups, (size_t)count * sizeof(gid_t)) == 0);
}

int priv_drop(const struct target_user *target)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int err;

	if (!has_groups(target) && setgroups((size_t)target->group_count, target->groups))
		return -errno;
	if (setresgid(target->gid, target->gid, target->gid))
		return -errno;
	if (setresuid(target->uid, target->uid, target->uid))
		return -errno;
	if (getresuid(&ruid, &euid, &suid) || getresgid(&rgid, &egid, &sgid))
		return -errno;
	umask(caller_umask);	/* as if netjail had not been in between */
	if (ruid != target->uid || euid != target->uid || suid != target->uid ||
	    rgid != target->gid || egid != target->gid || sgid != target->gid)
		return -EPERM;
	if (target->uid == 0)
		return 0;	/* root asked to run its command as root */
	err = clear_capabilities();
	if (!err)
		err = verify_capabilities_empty();
	if (err)
		return err;
	/* The drop must be final: getting root back has to fail. */
	if (setresuid(0, 0, 0) == 0 || (target->gid != 0 && setegid(0) == 0))
		return -EPERM;
	return 0;
}
