/* check.c - netjail --check -i IFACE: the questions a run would ask, each answered on its own
 * line, and a verdict naming the first thing in the way.
 *
 * Every item is printed even after one fails ("--" when it cannot be asked, e.g. the
 * carrier of an interface that does not exist), in the order a run meets them: privileges,
 * the resource limits (rlimits.c), the admin's policy and the interface (uplink.c), its carrier, the IPv4 next hop (on-link,
 * not the host's own address) and address (NAT needs one), reverse-path filtering, IPv6,
 * other tools' routing rules in front of the jails' (ruleplace.c), whether firewalld would let the jail out (fwfirewalld.c), the addresses of -P (publish.c;
 * whether the ports are free is not tried), the
 * nameservers the jail would use (dnsfind.c) and by which way it reaches them.  All of it
 * changes nothing.
 *
 * Then, with privilege, the probe (checkprobe.c): a throwaway jail pings the gateway and,
 * with --probe, connects to ADDR:PORT; its counters tell whether that left by the uplink.
 * It is last: it narrows netjail's capabilities as a run does.
 *
 * A new item: a function that calls item() (or item_skipped()) once per line, and one call
 * in check_report(), before the probe.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>	/* before linux/if.h, for IFF_LOWER_UP and IF_OPER_* */
#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "check.h"
#include "checkprobe.h"
#include "dnsfind.h"
#include "fwcheck.h"
#include "fwfirewalld.h"
#include "hostnet.h"
#include "publish.h"
#include "rlimits.h"
#include "ruleplace.h"
#include "route.h"
#include "uplink.h"
#include "util.h"

struct verdict {
	const char *first_problem;
	char text[400];
	char warning[400];	/* what works less than it could (the first said) */
};

static void item(struct verdict *v, bool good, const char *what, const char *detail)
{
	printf("%-10s %s  %s\n", what, good ? "ok  " : "FAIL", detail);
	if (!good && !v->first_problem) {
		snprintf(v->text, sizeof(v->text), "%s", detail);
		v->first_problem = v->text;
	}
}

/* Neither good nor bad: not asked (what it needs failed already), or for information. */
static void item_skipped(const char *what, const char *detail)
{
	printf("%-10s %s  %s\n", what, "--  ", detail);
}

/* What the items share. */
struct check {
	const struct cli_options *opts;
	const struct netjail_conf *conf;
	struct nl nl;
	struct jail_host jh;
	bool has_uplink;	/* the interface passed */
	bool has_next_hop;	/* and so did the gateway */
	bool limits_ok;		/* a run would not refuse for a resource limit */
};

static void check_uplink(struct verdict *v, struct check *c)
{
	char why[320], detail[400];

	if (uplink_check_link(&c->nl, c->opts, c->conf, &c->jh, why, sizeof(why))) {
		item(v, false, "uplink", why);
		return;
	}
	c->has_uplink = true;
	snprintf(detail, sizeof(detail), "%s is up%s", c->jh.uplink.name,
		 getuid() ? " and the policy allows it" : "");
	item(v, true, "uplink", detail);
}

/* Up is not enough: a link without carrier (cable out, Wi-Fi not associated, a veth whose
 * peer is down) passes nothing.  IFF_LOWER_UP is the carrier; tun and WireGuard links
 * report their operstate as "unknown", which is no fault. */
static void check_carrier(struct verdict *v, const struct check *c)
{
	const struct link_info *link = &c->jh.uplink;
	char detail[320];

	if (!c->has_uplink) {
		item_skipped("carrier", "not checked: no usable uplink");
		return;
	}
	if (!(link->flags & IFF_LOWER_UP)) {
		snprintf(detail, sizeof(detail), "%s has no carrier (no cable, not associated, or "
			 "the other end is down): nothing would leave by it", link->name);
		item(v, false, "carrier", detail);
	} else if (link->operstate == IF_OPER_DORMANT) {
		snprintf(detail, sizeof(detail), "%s is dormant (it waits for authentication, e.g. "
			 "802.1X or WPA): nothing would leave by it yet", link->name);
		item(v, false, "carrier", detail);
	} else if (link->operstate != IF_OPER_UP && link->operstate != IF_OPER_UNKNOWN) {
		snprintf(detail, sizeof(detail), "%s has carrier but is not operational "
			 "(operstate %u)", link->name, link->operstate);
		item(v, false, "carrier", detail);
	} else {
		snprintf(detail, sizeof(detail), "%s has carrier%s", link->name,
			 link->operstate == IF_OPER_UP ? "" :
			 " (its state is \"unknown\", as tun and WireGuard links say: no fault)");
		item(v, true, "carrier", detail);
	}
}

static void check_gateway(struct verdict *v, struct check *c)
{
	char why[320], detail[400], text[INET_ADDRSTRLEN];

	if (!c->has_uplink) {
		item_skipped("gateway", "not checked: no usable uplink");
		return;
	}
	if (uplink_choose_gateway(&c->nl, c->opts, c->conf, &c->jh, why, sizeof(why))) {
		item(v, false, "gateway", why);
		return;
	}
	c->has_next_hop = true;
	if (c->jh.has_gateway) {
		inet_ntop(AF_INET, &c->jh.gateway, text, sizeof(text));
		snprintf(detail, sizeof(detail), "next hop %s%s, on-link on %s", text,
			 c->opts->has_gateway ? " (given with -g)" : " (from its default route)",
			 c->jh.uplink.name);
	} else {
		snprintf(detail, sizeof(detail), "point-to-point: no next hop needed");
	}
	item(v, true, "gateway", detail);
}

struct address_search {
	int index;
	char found[INET_ADDRSTRLEN + 4];
};

static int find_address(const struct addr_info *addr, void *data)
{
	struct address_search *search = data;
	char text[INET_ADDRSTRLEN];

	if (addr->index != search->index || search->found[0])
		return 0;
	inet_ntop(AF_INET, &addr->local, text, sizeof(text));
	snprintf(search->found, sizeof(search->found), "%s/%u", text, addr->prefix);
	return 0;
}

/* fwcheck.c's way to print an item. */
static void firewall_item(void *v, bool good, const char *what, const char *detail)
{
	item(v, good, what, detail);
}

static void check_address(struct verdict *v, struct check *c)
{
	struct address_search search = { .index = c->jh.uplink.index };
	char detail[320];

	if (!c->has_uplink) {
		item_skipped("address", "not checked: no usable uplink");
		return;
	}
	addr_for_each(&c->nl, find_address, &search);
	if (search.found[0])
		snprintf(detail, sizeof(detail), "%s (the jail's traffic leaves as this)", search.found);
	else
		snprintf(detail, sizeof(detail), "%s has no IPv4 address to NAT the jail's traffic to",
			 c->jh.uplink.name);
	item(v, search.found[0] != '\0', "address", detail);
}

static int read_all_rp_filter(uint32_t *value)
{
	int fd = open("/proc/sys/net/ipv4/conf/all/rp_filter", O_RDONLY | O_CLOEXEC);

	return fd < 0 ? -errno : read_u32_fd(fd, 2, value);
}

/* The kernel uses the larger of "all" and the interface's own.  netjail marks no packets
 * and needs no loose mode: the kernel checks a forwarded packet's source as if it came in
 * by its way out (hostnet.c, gate.c), so strict filtering passes both directions. */
static void check_rp_filter(struct verdict *v, const struct check *c)
{
	static const char *const modes[] = { "off", "strict", "loose" };
	uint32_t own = c->jh.uplink.inet_conf[IPV4_DEVCONF_RP_FILTER - 1], all = 0;
	char detail[400];

	if (!c->has_uplink || !c->jh.uplink.has_inet_conf) {
		item_skipped("rp_filter", "not checked: no usable uplink");
		return;
	}
	/* Unreadable: the interface's own value says it. */
	if (read_all_rp_filter(&all) == 0 && all > own)
		own = all;
	if (own > 2)
		own = 1;
	if (own == 0)
		snprintf(detail, sizeof(detail), "off on %s: nothing to pass", c->jh.uplink.name);
	else
		snprintf(detail, sizeof(detail), "%s on %s: passes, as the kernel checks a "
			 "forwarded packet's source as if it came in by its way out (a reply: the "
			 "jail's link, whose rule answers %s)", modes[own], c->jh.uplink.name,
			 c->jh.uplink.name);
	item(v, true, "rp_filter", detail);
}

/* Two items: whether the uplink has IPv6 to give, and whether netjail may forward it (its
 * own item: on kernels before 6.17 a jail gets none by default, which a run says in one
 * line; a jail still works, so it is a warning in the verdict, not a failure). */
static void check_ipv6(struct verdict *v, struct check *c)
{
	char why[320], detail[400], text[INET6_ADDRSTRLEN] = "";
	int err;

	if (c->opts->no_ipv6) {
		item_skipped("ipv6", "the jail gets none: --no-ipv6 or the profile");
		return;
	}
	if (!c->has_uplink) {
		item_skipped("ipv6", "not checked: no usable uplink");
		return;
	}
	err = uplink_choose_ipv6(&c->nl, c->conf, &c->jh, why, sizeof(why));
	if (err == -ENETUNREACH) {
		item_skipped("ipv6", why);
		return;
	}
	if (c->jh.has_gateway6)
		inet_ntop(AF_INET6, &c->jh.gateway6, text, sizeof(text));
	snprintf(detail, sizeof(detail), "%s has an IPv6 default route%s%s; NAT66 by %s",
		 c->jh.uplink.name, text[0] ? " via " : "", text, c->jh.uplink.name);
	printf("%-10s %s  %s\n", "ipv6", "ok  ", detail);
	if (err) {
		printf("%-10s %s  %s\n", "ipv6fwd", "warn", why);
		snprintf(v->warning, sizeof(v->warning), "%s", why);
		return;
	}
	if (c->jh.ipv6_all)
		snprintf(detail, sizeof(detail), "the jail gets IPv6, forwarded by "
			 "net.ipv6.conf.all.forwarding (ipv6_forwarding = all), guarded: only jails' "
			 "traffic is forwarded, accept_ra 2 where it was 1");
	else
		snprintf(detail, sizeof(detail), "the jail gets IPv6, forwarded for its link and %s "
			 "only (force_forwarding)", c->jh.uplink.name);
	printf("%-10s %s  %s\n", "ipv6fwd", "ok  ", detail);
}

/* Other tools' rules among or in front of the jails' (see ruleplace.c): not netjail's to
 * move, so named here.  Neither good nor bad: what they do is theirs. */
static void check_rules(struct check *c)
{
	uint32_t r = c->conf->pool.rule_priority, found[8];
	char list[80] = "", detail[400];
	bool in_jump;
	int count = ruleplace_others_ahead(&c->nl, &c->conf->pool, AF_INET, found, 8, &in_jump);

	if (count < 0) {
		item_skipped("rules", "cannot read the routing rules");
		return;
	}
	if (!count) {
		snprintf(detail, sizeof(detail), "no other tool's rule comes before the jails' (%u, "
			 "the rules they share at %u..%u: rule_priority)", r, r - 2, r + 1);
		printf("%-10s %s  %s\n", "rules", "ok  ", detail);
		return;
	}
	for (int i = 0; i < count && i < 8; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%u", i ? ", " : "",
			 found[i]);
	snprintf(detail, sizeof(detail), "other tools' rules at %s%s come before a jail's own at "
		 "%u and see its traffic first (rule_priority, netjail.conf(5))%s", list,
		 count > 8 ? " ..." : "", r,
		 in_jump ? "; one at R-1 or R keeps the jails' gate from its jump, which would "
			   "skip it (the host's own lookups then go past each jail's rule)" : "");
	item_skipped("rules", detail);
}

/* Whether firewalld, if it runs, would let the jail's traffic out (fwfirewalld.c). */
static void check_firewalld(struct verdict *v, struct check *c)
{
	char detail[400];

	if (!c->has_uplink) {
		item_skipped("firewalld", "not checked: no usable uplink");
		return;
	}
	item(v, !firewalld_check(c->jh.uplink.name, detail, sizeof(detail)), "firewalld", detail);
}

/* -P: every ADDR must be one of the host's own, as run() insists before anything else. */
static void check_publish(struct verdict *v, struct check *c)
{
	const struct cli_options *opts = c->opts;
	char detail[320];

	if (!opts->publish_count)
		return;
	for (size_t i = 0; i < opts->publish_count; i++) {
		int err = publish_check_address(&c->nl, &opts->publish[i]);

		if (err) {
			publish_explain(&opts->publish[i], err, detail, sizeof(detail));
			item(v, false, "publish", detail);
			return;
		}
	}
	snprintf(detail, sizeof(detail), "%zu port(s), on the host's own addresses",
		 opts->publish_count);
	item(v, true, "publish", detail);
}

/* The nameservers run() would give the jail, where they come from, and which way each is
 * reached: a server on one of the host's own addresses is refused (dnsfind.c) unless
 * --allow-host lets the jail reach the host, and then it is reached there, not by the
 * uplink; one of the host's that is another link's (a VPN's) is named, set aside. */
static void check_dns(struct verdict *v, struct check *c)
{
	const char *uplink = c->has_uplink ? c->jh.uplink.name : "the uplink";
	struct dns_choice dns;
	char why[320], detail[640], list[200] = "";

	if (dns_choose(&(struct dns_request){
		.given = c->opts->dns, .given_count = c->opts->dns_count,
		.uplink_index = c->jh.uplink.index, .uplink_name = uplink,
		.ipv6 = c->jh.has_ipv6, .allow_host = c->opts->allow_host, .nl = &c->nl,
	}, &dns, why, sizeof(why))) {
		item(v, false, "dns", why);
		return;
	}
	for (size_t i = 0; i < dns.servers.count; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 dns.servers.addr[i]);
	if (dns.set_aside[0])
		snprintf(detail, sizeof(detail), "%s; using %s by %s (from %s)", dns.set_aside, list,
			 uplink, dns.source);
	else if (dns.on_host)
		snprintf(detail, sizeof(detail), "nameservers %s via the host itself (from %s, "
			 "--allow-host)", list, dns.source);
	else
		snprintf(detail, sizeof(detail), "nameservers %s by %s (from %s)", list, uplink,
			 dns.source);
	item(v, true, "dns", detail);
}

static const char *const probe_said[PROBE_RESULTS] = {
	[PROBE_NOT_TRIED] = "not tried",
	[PROBE_ANSWERED] = "answered",
	[PROBE_REFUSED] = "refused (a TCP reset: the port is closed, or a firewall rejects it)",
	[PROBE_NO_ANSWER] = "no answer within 2 s",
	[PROBE_UNREACHABLE] = "unreachable (an ICMP error came back, or no route)",
	[PROBE_FAILED] = "could not be tried (see the message above)",
};

/* What the throwaway jail's tries came to, and whether they left by the uplink. */
static void report_probe(struct verdict *v, const struct check *c,
			 const struct probe_report *report)
{
	const struct nft_counters *n = &report->counters;
	const char *uplink = c->jh.uplink.name;
	char detail[400], text[INET_ADDRSTRLEN];

	if (c->jh.has_gateway) {
		inet_ntop(AF_INET, &c->jh.gateway, text, sizeof(text));
		snprintf(detail, sizeof(detail), "ping from a throwaway jail (%s) on %s to gateway "
			 "%s: %s", report->jail, uplink, text, probe_said[report->gateway]);
		item(v, report->gateway == PROBE_ANSWERED, "probe", detail);
	}
	if (c->opts->probe.family) {
		snprintf(detail, sizeof(detail), "TCP connection from a throwaway jail (%s) on %s to "
			 "%s: %s%s", report->jail, uplink, c->opts->probe.text,
			 report->target == PROBE_ANSWERED ? "accepted" : probe_said[report->target],
			 c->opts->probe.family == AF_INET6 && !c->jh.has_ipv6 ?
			 "; the jail gets no IPv6 (see ipv6)" : "");
		item(v, report->target == PROBE_ANSWERED, "probe", detail);
	}
	if (!report->has_counters) {
		item_skipped("egress", "cannot read the throwaway jail's counters");
	} else if (n->egress_packets) {
		snprintf(detail, sizeof(detail), "the probe's %llu packet(s) went out by %s (the "
			 "jail's egress counter), %llu to its kill switch",
			 (unsigned long long)n->egress_packets, uplink,
			 (unsigned long long)n->fail_closed_packets);
		item(v, true, "egress", detail);
	} else {
		snprintf(detail, sizeof(detail), "none of the probe's packets went out by %s (the "
			 "jail's egress counter did not move), %llu to its kill switch", uplink,
			 (unsigned long long)n->fail_closed_packets);
		item(v, false, "egress", detail);
	}
}

static void check_probe_items(struct verdict *v, struct check *c, const char *privilege_problem)
{
	struct probe_report report;

	if (privilege_problem) {
		item_skipped("probe", "not tried: a throwaway jail needs privilege (see privilege)");
	} else if (!c->has_next_hop || !c->limits_ok) {
		item_skipped("probe", "not tried: a jail would not start (see above)");
	} else if (!c->jh.has_gateway && !c->opts->probe.family) {
		item_skipped("probe", "not tried: a point-to-point link has no gateway to ping; "
			     "--probe ADDR:PORT tries the way out");
	} else if (check_probe(c->opts, c->conf, &c->jh, &report)) {
		char detail[400];

		snprintf(detail, sizeof(detail), "cannot build a throwaway jail on %s: %s",
			 c->jh.uplink.name, report.why_not);
		item(v, false, "probe", detail);
	} else {
		report_probe(v, c, &report);
	}
}

int check_report(const struct cli_options *opts, const struct netjail_conf *conf,
		 const char *privilege_problem)
{
	struct check c = { .opts = opts, .conf = conf, .jh = { .slot_fd = -1 } };
	struct verdict v = { 0 };
	const char *limits = "the resource limits leave netjail what it needs";
	const char *uplink;

	item(&v, !privilege_problem, "privilege", privilege_problem ? privilege_problem :
	     "netjail can set up a jail (setuid root, file capabilities or root)");
	c.limits_ok = rlimits_check(&limits) == 0;
	item(&v, c.limits_ok, "limits", limits);
	if (nl_open(&c.nl, NETLINK_ROUTE)) {
		item(&v, false, "netlink", "cannot open a netlink socket");
		goto verdict;
	}
	check_uplink(&v, &c);
	check_carrier(&v, &c);
	check_gateway(&v, &c);
	check_address(&v, &c);
	check_rp_filter(&v, &c);
	check_ipv6(&v, &c);
	check_rules(&c);
	check_firewalld(&v, &c);
	fw_check(c.conf, !c.opts->no_ipv6 && c.jh.has_ipv6, firewall_item, &v);
	check_publish(&v, &c);
	check_dns(&v, &c);
	nl_close(&c.nl);
	check_probe_items(&v, &c, privilege_problem);

verdict:
	/* As typed, unless the kernel has named it. */
	uplink = c.has_uplink ? c.jh.uplink.name : opts->uplink;
	if (v.first_problem)
		printf("A jail on %s would not work: %s\n", uplink, v.first_problem);
	else if (v.warning[0])
		printf("A jail on %s would work, with a warning: %s\n", uplink, v.warning);
	else
		printf("A jail on %s would work.\n", uplink);
	return v.first_problem ? CHECK_WOULD_NOT_WORK : CHECK_WOULD_WORK;
}
