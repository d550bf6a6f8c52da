/* Unit tests for nftbatch.c: a batch that outgrows NFTB_LIMIT fails with -ENOBUFS and sends
 * nothing, and building it never writes past its buffer (this runs under ASan). */
#include <errno.h>
#include <netinet/in.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <string.h>

#include "nftbatch.h"

#include "check.h"

/* About what a published port's rule is: an interface, addresses, ports and a NAT. */
static void queue_big_rule(struct nft_batch *b)
{
	struct nftnl_rule *r = nftb_rule_new("netjail255", "dstnat");
	struct in_addr addr = { htonl(0xc6336402) };

	if (r) {
		nftb_match_ifname(r, NFT_META_IIFNAME, "abcdefghijklmno", b);
		nftb_match_ipv4(r, b);
		nftb_load_payload(r, NFT_PAYLOAD_NETWORK_HEADER, 16, 4, b);
		nftb_compare(r, NFT_CMP_EQ, &addr, sizeof(addr), b);
		nftb_load_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, b);
		nftb_match_u32(r, 8080, b);
		nftb_load_ct(r, NFT_CT_MARK, b);
		nftb_mask_xor(r, 0xff000000u, 0x01000000u, b);
		nftb_store_ct(r, NFT_CT_MARK, b);
		nftb_load_immediate(r, NFT_REG_1, &addr, sizeof(addr), b);
		nftb_nat(r, NFT_NAT_DNAT, NFPROTO_IPV4, false, b);
		nftb_count(r, b);
		nftb_comment(r, "a comment that makes the rule longer", b);
	}
	nftb_send_rule(b, r);
}

static void test_overflow_fails_cleanly(void)
{
	struct nl nl;
	struct nft_batch b;
	unsigned queued = 0;

	memset(&nl, 0, sizeof(nl));	/* no socket: nothing may be sent */
	CHECK(nftb_start(&b, &nl) == 0);
	nftb_add_table(&b, "netjail255", 0, 0);
	nftb_add_chain(&b, "netjail255", "dstnat", "nat", NF_INET_PRE_ROUTING, -100);
	while (!b.err && queued < 10000) {
		queue_big_rule(&b);
		queued++;
	}
	CHECK(b.err == -ENOBUFS);
	CHECK(mnl_nlmsg_batch_size(b.msgs) <= NFTB_LIMIT);
	/* each rule is a few hundred bytes: the limit, not something else, stopped it */
	CHECK(queued > NFTB_LIMIT / 1024 && queued < NFTB_LIMIT / 64);
	CHECK(nftb_commit(&b) == -ENOBUFS);
	CHECK(b.buf == NULL);
}

/* A table message of exactly @bytes (a multiple of 4, 36 to 288): 28 bytes of headers and
 * flags, and the name attribute, 4 + the name and its NUL. */
static void queue_table_of(struct nft_batch *b, size_t bytes)
{
	char name[256];
	size_t len = bytes - 33;

	memset(name, 't', len);
	name[len] = '\0';
	nftb_add_table(b, name, 0, 0);
}

/* A batch filled to the limit exactly: its end message does not fit, and it must not be
 * sent without one. */
static void test_end_that_does_not_fit(void)
{
	struct nl nl;
	struct nft_batch b;
	size_t room;

	memset(&nl, 0, sizeof(nl));
	CHECK(nftb_start(&b, &nl) == 0);
	while ((room = NFTB_LIMIT - mnl_nlmsg_batch_size(b.msgs)) > 288 + 36)
		queue_table_of(&b, 288);
	if (room > 288)
		queue_table_of(&b, room - 36);
	queue_table_of(&b, NFTB_LIMIT - mnl_nlmsg_batch_size(b.msgs));
	CHECK(b.err == 0);
	CHECK(mnl_nlmsg_batch_size(b.msgs) == NFTB_LIMIT);
	CHECK(nftb_commit(&b) == -ENOBUFS);
}

int main(void)
{
	test_overflow_fails_cleanly();
	test_end_that_does_not_fit();
	return CHECK_DONE("test_nftbatch");
}
