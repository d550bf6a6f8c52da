/* ruleplace.h - other tools' rules that the kernel placed in front of the jails' (see ruleplace.c). */
#ifndef NETJAIL_RULEPLACE_H
#define NETJAIL_RULEPLACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "nl.h"
#include "pool.h"

/* Move the rules that another tool added without a priority, and that the kernel put in
 * front of the gate only because the gate is the first rule after local's (R-3, R-4 ...),
 * to where the kernel would have put them without netjail, in the same order: IPv4's,
 * and with @ipv6 IPv6's too.  Returns how many moved, or -errno. */
int ruleplace_others(struct nl *nl, const struct pool_config *cfg, bool ipv6);

/* Other tools' rules of @family from 1 to R, which a jail's traffic meets before its own
 * rule; @in_jump: one of them is at R-1 or R, which keeps the gate from having its jump.
 * The first @max priorities in @priorities; returns how many there are, or -errno. */
int ruleplace_others_ahead(struct nl *nl, const struct pool_config *cfg, uint8_t family,
			   uint32_t *priorities, unsigned max, bool *in_jump);

/* The gate's jump (R-1: iif lo goto R+1) would take the host's own lookups past another
 * tool's rule at R-1 or R: then the jails go without it, and without its target (gate.c).
 * Returns RULEPLACE_NO_JUMP(AF_INET) | (with @ipv6) RULEPLACE_NO_JUMP(AF_INET6) for the
 * families where that is so, or -errno. */
#define RULEPLACE_NO_JUMP(family) ((family) == AF_INET6 ? 2 : 1)
int ruleplace_jump_blocked(struct nl *nl, const struct pool_config *cfg, bool ipv6);

#endif
