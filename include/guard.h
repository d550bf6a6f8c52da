/* guard.h - while netjail has an uplink forwarding, it forwards jails' traffic only. */
#ifndef NETJAIL_GUARD_H
#define NETJAIL_GUARD_H

#include <stdint.h>

/* Make sure the guard of @uplink for @nfproto (NFPROTO_IPV4 or _IPV6) is in place: in table "inet netjail_guard", which no
 * socket owns, so it outlives a netjail killed with SIGKILL, until the uplink's settings
 * are restored (uplink_release_if_unused, by the last jail or --cleanup).  0 or -errno. */
int guard_uplink(const char *uplink, uint8_t nfproto, uint32_t mark_mask);

/* Remove @uplink's guards, and the table with the last ones.  0 or -errno. */
int unguard_uplink(const char *uplink);

#endif
