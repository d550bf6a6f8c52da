/* checkprobe.c - netjail --check's probe: what the static items cannot see (a router that
 * drops the host, another table's drop verdict, a gateway that is not there), seen by
 * trying.
 *
 * The probe is a jail like any other, built by run()'s own building blocks in run()'s
 * order: the state lock, cleanup of dead jails, the user's limit, a slot; the child's
 * namespaces while the host side is prepared; the veth, routes, rules and nftables table;
 * then the child configures its side.  Only the end differs: instead of exec, the child
 * (jail.c's jail_probe) pings the IPv4 gateway and, if asked, connects to ADDR:PORT,
 * each try bounded by PROBE_TIMEOUT_MS, and exits with what came of them.  The supervisor
 * reads the jail's egress and kill-switch counters, which say whether the tries left by
 * the uplink, and tears everything down the way a run does.  No watch on the host's
 * links: the jail lives a few seconds and repairs nothing.
 *
 * The child pings as the user COMMAND would run as, with no capability: a ping socket
 * (SOCK_DGRAM, IPPROTO_ICMP), no raw socket, no CAP_NET_RAW.  A new network namespace
 * lets no group open those (net.ipv4.ping_group_range "1 0"), so before its drop the child
 * allows that user's group in its own namespace, which goes with the probe.
 *
 * The child's exit status carries both results: PROBE_STATUS_BASE | gateway | target << 3.
 * Anything else (125: the child could not set up, and said why) is a failed probe.
 * Signals that would end netjail (Ctrl-C) stay blocked until the teardown is done: the
 * probe takes at most a few seconds, and nothing of it may be left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>	/* before linux/icmp.h, which includes linux/if.h */
#include <linux/icmp.h>	/* not netinet/ip_icmp.h: its iphdr clashes with linux/ip.h (link.h) */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "checkprobe.h"
#include "cleanup.h"
#include "fastpathmemo.h"
#include "jail.h"
#include "lastout.h"
#include "link.h"
#include "log.h"
#include "priv.h"
#include "state.h"
#include "userlimit.h"

#define PROBE_STATUS_BASE 64
/* Room for both tries, the child's setup and its exit. */
#define PROBE_CHILD_DEADLINE_MS (2 * PROBE_TIMEOUT_MS + 2000)

#define REASON(...) snprintf(report->why_not, sizeof(report->why_not), __VA_ARGS__)

struct probe_plan {
	bool ping_gateway;
	struct in_addr gateway;
	const struct cli_probe *target;
};

/* In the child, before the drop, in the jail's namespace: ping sockets for the group the
 * probe runs as.  CAP_NET_ADMIN lets a net sysctl be written (ipv6conf.c). */
static int allow_ping(const struct target_user *target, const void *arg)
{
	char text[32];
	int len = snprintf(text, sizeof(text), "%u %u", (unsigned)target->gid,
			   (unsigned)target->gid);
	int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	int err = 0;

	(void)arg;
	if (fd < 0)
		return -errno;
	if (write(fd, text, (size_t)len) != len)
		err = -errno;
	close(fd);
	return err;
}

static enum probe_result result_of(int err, const char *what)
{
	switch (err) {
	case 0:
		return PROBE_ANSWERED;
	case ECONNREFUSED:
		return PROBE_REFUSED;
	case ETIMEDOUT:
		return PROBE_NO_ANSWER;
	case ENETUNREACH: case EHOSTUNREACH: case ENETDOWN: case EHOSTDOWN:
		return PROBE_UNREACHABLE;
	default:
		log_error("%s from the jail: %s", what, strerror(err));
		return PROBE_FAILED;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Two echo requests a second apart (a first one may go while the host still resolves the
 * gateway's address), an answer to either within PROBE_TIMEOUT_MS. */
static enum probe_result ping(struct in_addr gateway)
{
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr = gateway };
	int64_t start = now_ms(), next_send = start;
	int on = 1, sent = 0, err = 0;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return result_of(errno, "cannot open a ping socket");
	/* ICMP errors (unreachable) end the wait at once instead of its timeout. */
	setsockopt(fd, SOL_IP, IP_RECVERR, &on, sizeof(on));
	if (connect(fd, (const struct sockaddr *)&to, sizeof(to)))
		err = errno;
	while (!err) {
		int64_t now = now_ms(), wait;
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct icmphdr reply;
		ssize_t got;

		if (now - start >= PROBE_TIMEOUT_MS) {
			err = ETIMEDOUT;
			break;
		}
		if (sent < 2 && now >= next_send) {
			struct icmphdr echo = { .type = ICMP_ECHO };

			echo.un.echo.sequence = htons((uint16_t)++sent);
			if (send(fd, &echo, sizeof(echo), 0) < 0) {
				err = errno;
				break;
			}
			next_send = now + 1000;
		}
		wait = (sent < 2 ? next_send : start + PROBE_TIMEOUT_MS) - now_ms();
		if (poll(&pfd, 1, wait > 0 ? (int)wait : 0) <= 0)
			continue;
		got = recv(fd, &reply, sizeof(reply), MSG_DONTWAIT);
		if (got < 0 && errno != EAGAIN && errno != EINTR)
			err = errno;
		else if (got >= (ssize_t)sizeof(reply) && reply.type == ICMP_ECHOREPLY)
			break;
	}
	close(fd);
	return result_of(err, "cannot ping the gateway");
}

static enum probe_result tcp_connect(const struct cli_probe *target)
{
	struct sockaddr_in to4 = {
		.sin_family = AF_INET, .sin_addr = target->addr, .sin_port = htons(target->port),
	};
	struct sockaddr_in6 to6 = {
		.sin6_family = AF_INET6, .sin6_addr = target->addr6, .sin6_port = htons(target->port),
	};
	bool v6 = target->family == AF_INET6;
	int fd = socket(target->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0)
		return result_of(errno, "cannot open a TCP socket");
	if (connect(fd, v6 ? (const struct sockaddr *)&to6 : (const struct sockaddr *)&to4,
		    v6 ? sizeof(to6) : sizeof(to4)) && errno != EINPROGRESS) {
		err = errno;
	} else {
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int ready = poll(&pfd, 1, PROBE_TIMEOUT_MS);

		if (ready == 0)
			err = ETIMEDOUT;
		else if (ready < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			err = errno;
	}
	close(fd);
	return result_of(err, "cannot connect");
}

/* In the child, after the drop. */
static int run_probe(const void *arg)
{
	const struct probe_plan *plan = arg;
	enum probe_result gateway = PROBE_NOT_TRIED, target = PROBE_NOT_TRIED;

	if (plan->ping_gateway)
		gateway = ping(plan->gateway);
	if (plan->target->family)
		target = tcp_connect(plan->target);
	return PROBE_STATUS_BASE | (int)gateway | (int)target << 3;
}

/* Reap @pid within @ms (SIGCHLD blocked), else kill it.  0 with its @status, or -ETIMEDOUT. */
static int reap_within(pid_t pid, int ms, int *status)
{
	int64_t deadline = now_ms() + ms;
	sigset_t chld;

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	for (;;) {
		pid_t got = waitpid(pid, status, WNOHANG);
		int64_t left = deadline - now_ms();
		struct timespec wait = { .tv_sec = left / 1000, .tv_nsec = left % 1000 * 1000000 };

		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return -errno;
		if (left <= 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return -ETIMEDOUT;
		}
		sigtimedwait(&chld, NULL, &wait);
	}
}

static void read_results(int status, struct probe_report *report)
{
	int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	int gateway = code & 7, target = code >> 3 & 7;

	if ((code & ~0x3f) != PROBE_STATUS_BASE || gateway >= PROBE_RESULTS ||
	    target >= PROBE_RESULTS) {
		report->gateway = report->target = PROBE_FAILED;
		return;
	}
	report->gateway = (enum probe_result)gateway;
	report->target = (enum probe_result)target;
}

/* The jail is built: let the child probe, wait for it, read the counters. */
static void probe_in_jail(const struct cli_options *opts, struct jail_host *jh,
			  struct jail_child *child, struct probe_report *report)
{
	struct jail_side side;
	char table[32];
	int status = 0;

	memset(&side, 0, sizeof(side));
	side.jail_addr = jh->net.jail_addr;
	side.host_addr = jh->net.host_addr;
	side.prefix = JAIL_PREFIX;
	side.has_ipv6 = jh->has_ipv6;
	side.jail_addr6 = jh->net.jail_addr6;
	side.host_addr6 = jh->net.host_addr6;
	side.disable_ipv6 = opts->no_ipv6;
	jail_child_go(child, &side);
	if (reap_within(child->pid, PROBE_CHILD_DEADLINE_MS, &status))
		report->gateway = report->target = PROBE_FAILED;
	else
		read_results(status, report);
	snprintf(table, sizeof(table), "netjail%u", jh->net.slot);
	report->has_counters = nft_read_counters(&jh->nft, table, &report->counters) == 0;
}

int check_probe(const struct cli_options *opts, const struct netjail_conf *conf,
		struct jail_host *jh, struct probe_report *report)
{
	struct probe_plan plan = {
		.ping_gateway = jh->has_gateway, .gateway = jh->gateway, .target = &opts->probe,
	};
	const struct jail_probe probe = { .prepare = allow_ping, .run = run_probe, .arg = &plan };
	const struct pool_config *cfg = &conf->pool;
	struct jail_child child = { .sock = -1, .netns = -1 };
	struct target_user target;
	const char *step = "";
	sigset_t blocked, old;
	struct state st;
	struct nl nl;
	int err;

	/* The report so far goes out now: a child must not inherit it unwritten. */
	fflush(stdout);
	memset(report, 0, sizeof(*report));
	if (!plan.ping_gateway && !opts->probe.family) {
		REASON("a point-to-point link has no gateway to ping: --probe ADDR:PORT tries the "
		       "way out");
		return -1;
	}
	err = priv_resolve_target(opts->user, &target);
	if (err) {
		REASON("cannot resolve the user to probe as: %s", strerror(-err));
		return -1;
	}
	err = nl_open(&nl, NETLINK_ROUTE);
	if (err) {
		REASON("cannot open a netlink socket: %s", strerror(-err));
		return -1;
	}
	st.dir_fd = st.lock_fd = -1;
	err = state_open(&st, &nl, true);
	if (!err)
		err = state_lock(&st);
	if (err == -ETIMEDOUT) {
		state_lock_explain(&st, report->why_not, sizeof(report->why_not));
		state_close(&st);
		nl_close(&nl);
		return -1;
	}
	if (err) {
		REASON("cannot use %s: %s", STATE_ROOT, strerror(-err));
		state_close(&st);
		nl_close(&nl);
		return -1;
	}
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGCHLD);
	sigaddset(&blocked, SIGINT);
	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGHUP);
	sigaddset(&blocked, SIGQUIT);
	sigprocmask(SIG_BLOCK, &blocked, &old);

	(void)cleanup_dead_jails(&nl, &st, cfg);	/* as a run does; its trouble is not ours */
	if (user_limit_check(&st, conf, getuid(), report->why_not, sizeof(report->why_not)))
		goto out;
	err = jail_host_claim_slot(jh, &nl, &st, cfg, getuid());
	if (err) {
		if (err == -ENOSPC || err == -EDQUOT)	/* the slot's file: a full /run */
			REASON("cannot %s: %s", STATE_WRITE_STEP, strerror(-err));
		else if (err == -EUSERS)
			jail_host_explain_no_slot(&nl, cfg, report->why_not, sizeof(report->why_not));
		else
			REASON("cannot choose the jail's addresses: %s", nl_reason(err));
		goto out;
	}
	snprintf(report->jail, sizeof(report->jail), "%s", jh->net.host_veth);
	/* As a run: the host's firewall lets the jail through, or no jail (fwwatch.c). */
	if (jail_host_admit_firewall(jh, &nl, &st, conf, report->why_not, sizeof(report->why_not)))
		goto out;	/* it tore the jail down itself */
	err = jail_child_start(&child, &(struct jail_child_plan){ .target = &target, .probe = &probe });
	if (err) {
		REASON("cannot start the jail: %s", strerror(-err));
		goto teardown;
	}
	step = "give up the capabilities teardown does not need";
	err = priv_narrow_to_supervisor(child.own_session);
	jh->no_fastpath = fastpath_skip_reason(conf, &st);
	if (!err)
		err = jail_host_prepare(jh, &nl, &st, cfg, &step);
	if (!err) {
		step = "hear from the jail's child";
		err = jail_child_wait_ready(&child);
	}
	if (!err)
		err = jail_host_setup(jh, &nl, cfg, child.netns, &step);
	fastpath_remember_refusal(&st, jh->fastpath_refusal);
	if (err) {
		REASON("cannot %s: %s", step, nl_reason(err));
		jail_child_abort(&child);
		goto teardown;
	}
	state_unlock(&st);
	probe_in_jail(opts, jh, &child, report);
	err = state_lock(&st);
	if (err) {
		char why[256];

		/* As a run's exit (main.c): never a teardown without the lock. */
		if (err == -ETIMEDOUT)
			state_lock_explain(&st, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "cannot lock %s: %s", STATE_ROOT, strerror(-err));
		jail_host_leave_later(jh, &nl, &st, cfg, why);
		goto out;
	}
teardown:
	jail_host_teardown(jh, &nl, &st, cfg);
out:
	state_close(&st);
	nl_close(&nl);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return report->why_not[0] ? -1 : 0;
}
