/* floor.h - what bench/floor.c and bench/floornft.c share.  Bench-only. */
#ifndef NETJAIL_BENCH_FLOOR_H
#define NETJAIL_BENCH_FLOOR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One jail's names and addresses, as netjail would choose them (addresses in network order). */
struct floor_jail {
	char host_veth[IFNAMSIZ];	/* the pair's host end */
	int host_veth_index;
	char uplink[IFNAMSIZ];
	char table[32];			/* the jail's nftables table */
	char prefix[8];			/* the host ends' common prefix, for the shared tables */
	uint32_t jail_addr;		/* the jail's end */
	uint32_t nat_addr;		/* the uplink's address, the jail's traffic NATed to it */
};

/* The jail's nftables objects as one batch into @buf: netjail's table (owned, its base chains
 * and rules, nft.c) and, with @shared, the three tables netjail shares between jails (guard,
 * hostnat, seal), which a lone jail makes and removes too.  Sequence numbers from *@seq on;
 * *@acks: the messages that ask for an ack.  The batch's length, or 0 if @size is too small. */
size_t floor_nft_setup(void *buf, size_t size, const struct floor_jail *fj, bool shared,
		       uint32_t *seq, unsigned *acks);
/* Their removal, one batch. */
size_t floor_nft_teardown(void *buf, size_t size, const struct floor_jail *fj, bool shared,
			  uint32_t *seq, unsigned *acks);

/* `floor --objects ...` (floorobj.c), @argv past "--objects": 0, or exits 1 with a message. */
int floor_objects(int argc, char **argv);

#endif
