/* check.c - netjail --check -i IFACE: the questions a run would ask, asked without doing
 * anything, each answered on its own line, and a verdict naming the first thing in the way.
 *
 * What it looks at, in the order a run meets them: privileges, the admin's policy and the
 * interface (uplink.c), the IPv4 next hop and address (NAT needs one), IPv6, whether
 * firewalld would let the jail out (fwfirewalld.c), the addresses
 * of -P (publish.c; whether the ports are free is not tried), and the nameservers the jail
 * would use (dnsfind.c: -d, the host's, or those behind its local stub), or why it would
 * have none.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "check.h"
#include "dnsfind.h"
#include "fwcheck.h"
#include "fwfirewalld.h"
#include "hostnet.h"
#include "publish.h"
#include "rlimits.h"
#include "uplink.h"

struct verdict {
	const char *first_problem;
	char text[320];
};

static void item(struct verdict *v, bool good, const char *what, const char *detail)
{
	printf("%-10s %s  %s\n", what, good ? "ok  " : "FAIL", detail);
	if (!good && !v->first_problem) {
		snprintf(v->text, sizeof(v->text), "%s", detail);
		v->first_problem = v->text;
	}
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

/* -P: every ADDR must be one of the host's own, as run() insists before anything else. */
static void check_publish(struct verdict *v, struct nl *nl, const struct cli_options *opts)
{
	char detail[320];

	if (!opts->publish_count)
		return;
	for (size_t i = 0; i < opts->publish_count; i++) {
		int err = publish_check_address(nl, &opts->publish[i]);

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

/* The nameservers run() would give the jail, and where they come from. */
static void check_dns(struct verdict *v, struct nl *nl, const struct cli_options *opts,
		      const struct jail_host *jh)
{
	struct dns_choice dns;
	char why[320], detail[400], list[200] = "";

	if (dns_choose(&(struct dns_request){
		.given = opts->dns, .given_count = opts->dns_count, .uplink_index = jh->uplink.index,
		.uplink_name = jh->uplink.name, .ipv6 = jh->has_ipv6,
		.allow_host = opts->allow_host, .nl = nl,
	}, &dns, why, sizeof(why))) {
		item(v, false, "dns", why);
		return;
	}
	for (size_t i = 0; i < dns.servers.count; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", i ? ", " : "",
			 dns.servers.addr[i]);
	snprintf(detail, sizeof(detail), "nameservers %s (from %s), reached %s", list, dns.source,
		 dns.on_host ? "on the host itself (--allow-host)" : "by the uplink");
	item(v, true, "dns", detail);
}

int check_report(const struct cli_options *opts, const struct netjail_conf *conf,
		 const char *privilege_problem)
{
	struct jail_host jh = { .slot_fd = -1 };
	struct address_search search = { 0 };
	struct verdict v = { 0 };
	char why[320], detail[400], text[INET_ADDRSTRLEN];
	const char *limits = "the resource limits leave netjail what it needs";
	const char *uplink = opts->uplink;	/* as typed, until the kernel has named it */
	bool limits_ok;
	struct nl nl;

	item(&v, !privilege_problem, "privilege", privilege_problem ? privilege_problem :
	     "netjail can set up a jail (setuid root, file capabilities or root)");
	limits_ok = rlimits_check(&limits) == 0;
	item(&v, limits_ok, "limits", limits);
	if (nl_open(&nl, NETLINK_ROUTE)) {
		item(&v, false, "netlink", "cannot open a netlink socket");
		goto verdict;
	}
	if (uplink_choose(&nl, opts, conf, &jh, why, sizeof(why))) {
		item(&v, false, "uplink", why);
		nl_close(&nl);
		goto verdict;
	}
	uplink = jh.uplink.name;
	snprintf(detail, sizeof(detail), "%s is up%s", jh.uplink.name,
		 getuid() ? " and the policy allows it" : "");
	item(&v, true, "uplink", detail);
	if (jh.has_gateway) {
		inet_ntop(AF_INET, &jh.gateway, text, sizeof(text));
		snprintf(detail, sizeof(detail), "next hop %s%s", text,
			 opts->has_gateway ? " (given with -g)" : " (from its default route)");
	} else {
		snprintf(detail, sizeof(detail), "point-to-point: no next hop needed");
	}
	item(&v, true, "gateway", detail);
	search.index = jh.uplink.index;
	addr_for_each(&nl, find_address, &search);
	if (search.found[0])
		snprintf(detail, sizeof(detail), "%s (the jail's traffic leaves as this)", search.found);
	else
		snprintf(detail, sizeof(detail), "%s has no IPv4 address to NAT the jail's traffic to",
			 jh.uplink.name);
	item(&v, search.found[0] != '\0', "address", detail);
	if (opts->no_ipv6)
		printf("%-10s %s  %s\n", "ipv6", "--  ", "off (--no-ipv6 or the profile)");
	else if (uplink_choose_ipv6(&nl, conf, &jh, why, sizeof(why)))
		printf("%-10s %s  %s\n", "ipv6", "--  ", why);
	else
		printf("%-10s %s  %s\n", "ipv6", "ok  ", "IPv6 too, NAT66 by the uplink");
	item(&v, !firewalld_check(jh.uplink.name, detail, sizeof(detail)), "firewalld", detail);
	check_publish(&v, &nl, opts);
	check_dns(&v, &nl, opts, &jh);
	nl_close(&nl);
	fw_check(conf, !opts->no_ipv6 && jh.has_ipv6, firewall_item, &v);

verdict:
	if (v.first_problem)
		printf("A jail on %s would not work: %s\n", uplink, v.first_problem);
	else
		printf("A jail on %s would work.\n", uplink);
	return v.first_problem ? CHECK_WOULD_NOT_WORK : CHECK_WOULD_WORK;
}
