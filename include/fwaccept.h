/* fwaccept.h - netjail's accept rules in the host's iptables-nft chains: admit a jail past
 * the host's firewall, or refuse it with the reason. */
#ifndef NETJAIL_FWACCEPT_H
#define NETJAIL_FWACCEPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "fwdetect.h"
#include "nl.h"

#define FW_MAX_PLACES 4
#define FW_COMMENT_PREFIX "netjail:"

/* Where a jail's two accept rules went: found again there by their comment. */
struct fw_rules {
	unsigned count;
	struct fw_place {
		uint8_t family;
		char table[FW_NAME_MAX];
		char chain[FW_NAME_MAX];
	} at[FW_MAX_PLACES];
};

/* Look at the host's firewall for the jail of link @host_veth (with IPv6 if @ipv6) and let
 * its traffic through where that is netjail's to do: at the head of DOCKER-USER or FORWARD
 * of iptables-nft's filter tables, and of the chains @conf's [firewall] insert_into names.
 * How many chains it added rules to (0 if none needed them), with where they went added to
 * @rules; -EPERM if a chain would drop the jail's traffic
 * and netjail may not change that (the reason, one line, in @why); or -errno (@why says
 * what failed).  With @quiet (a repair while the jail runs) nothing is refused: it does
 * what it may. */
int fw_admit(struct nl *nft, const struct netjail_conf *conf, const char *host_veth, bool ipv6,
	     bool quiet, struct fw_rules *rules, char *why, size_t why_len);

enum fw_action {
	FW_PASSES,	/* lets jails through already (their rules), or firewalld's */
	FW_INSERT,	/* netjail adds its accept rules there */
	FW_REFUSE,	/* not netjail's to change: the jail is refused */
};
/* What netjail does about blocking chain @chain.  firewalld's passes here: fwfirewalld.c's
 * firewalld_check judges it (and refuses) first. */
enum fw_action fw_action_for(const struct netjail_conf *conf, const struct fw_chain *chain);
/* The one line saying why @chain stops a jail, and what an admin can do, in @why.  -EPERM. */
int fw_refusal(const struct fw_chain *chain, char *why, size_t why_len);

/* If legacy iptables' FORWARD policy would drop the jail's traffic (@ipv6: IPv6's too),
 * the one line saying so in @why, and -EPERM; else 0. */
int fw_legacy_refusal(const struct fw_report *report, bool ipv6, char *why, size_t why_len);

/* Remove the jail's rules from where @rules says they went.  0 or -errno. */
int fw_release(struct nl *nft, const char *host_veth, struct fw_rules *rules);

/* Remove every rule of any ip, ip6 or inet table whose comment is that of the jail of link
 * @host_veth (a dead jail's, for --cleanup).  How many it removed, or -errno. */
int fw_remove_orphans(struct nl *nft, const char *host_veth);

/* The rule an admin would add to @chain to let jails through, for messages:
 * "nft insert rule inet filter forward iifname "nj*" accept". */
void fw_admin_rules(const struct fw_chain *chain, char *buf, size_t size);

#endif
