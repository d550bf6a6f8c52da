/* checkprobe.h - netjail --check's probe: a throwaway jail that tries the way out for real. */
#ifndef NETJAIL_CHECKPROBE_H
#define NETJAIL_CHECKPROBE_H

#include <net/if.h>
#include <stdbool.h>

#include "cli.h"
#include "conf.h"
#include "hostnet.h"
#include "nft.h"

/* What one try from the jail came to. */
enum probe_result {
	PROBE_NOT_TRIED,
	PROBE_ANSWERED,		/* an echo reply; a TCP connection accepted */
	PROBE_REFUSED,		/* a TCP reset: the host answered, the port is closed */
	PROBE_NO_ANSWER,	/* nothing within PROBE_TIMEOUT_MS */
	PROBE_UNREACHABLE,	/* an ICMP error came back, or the jail has no route */
	PROBE_FAILED,		/* the try could not be made (the jail's child said why) */
	PROBE_RESULTS
};

#define PROBE_TIMEOUT_MS 2000

struct probe_report {
	char jail[IFNAMSIZ];		/* the throwaway jail's link, "" if none was built */
	char why_not[320];		/* why it was not built, if not */
	enum probe_result gateway;	/* the ping of the IPv4 gateway */
	enum probe_result target;	/* the TCP connection to --probe's ADDR:PORT */
	bool has_counters;
	struct nft_counters counters;	/* the jail's, after the tries */
};

/* Build a throwaway jail on @jh's uplink the way a run does (a slot, the host side, the
 * child's namespaces), ping the gateway from inside it and connect to @opts->probe if
 * given, each within PROBE_TIMEOUT_MS, read the jail's counters and tear it all down.
 * Needs setup's privileges, and narrows them to the supervisor's as a run does: call it
 * last.  0, or -1 with the reason it built no jail in @report->why_not. */
int check_probe(const struct cli_options *opts, const struct netjail_conf *conf,
		struct jail_host *jh, struct probe_report *report);

#endif
