/* nftbatch.c - build nftables objects with libnftnl and send them as one batch, which the
 * kernel applies whole or not at all (libnftnl's examples/nft-rule-add.c).  See nftbatch.h.
 */
#include <errno.h>
#include <netinet/in.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "nftbatch.h"

static void nftb_build_table(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_table_nlmsg_build_payload(nlh, (struct nftnl_table *)obj);
}

static void nftb_build_chain(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_chain_nlmsg_build_payload(nlh, (struct nftnl_chain *)obj);
}

static void nftb_build_rule(struct nlmsghdr *nlh, const void *obj)
{
	nftnl_rule_nlmsg_build_payload(nlh, (struct nftnl_rule *)obj);
}

void nftb_add_expr(struct nftnl_rule *rule, struct nftnl_expr *expr, struct nft_batch *batch)
{
	if (!expr) {
		batch->err = -ENOMEM;
		return;
	}
	nftnl_rule_add_expr(rule, expr);
}

/* A "meta" or "ct" expression: @key into register 1 (@reg_attr a DREG), or out of it (SREG). */
static void key_expr(struct nftnl_rule *r, const char *name, uint16_t key_attr, uint32_t key,
		     uint16_t reg_attr, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc(name);

	if (e) {
		nftnl_expr_set_u32(e, key_attr, key);
		nftnl_expr_set_u32(e, reg_attr, NFT_REG_1);
	}
	nftb_add_expr(r, e, b);
}

void nftb_load_meta(struct nftnl_rule *r, uint32_t key, struct nft_batch *b)
{
	key_expr(r, "meta", NFTNL_EXPR_META_KEY, key, NFTNL_EXPR_META_DREG, b);
}

void nftb_store_meta(struct nftnl_rule *r, uint32_t key, struct nft_batch *b)
{
	key_expr(r, "meta", NFTNL_EXPR_META_KEY, key, NFTNL_EXPR_META_SREG, b);
}

void nftb_load_ct(struct nftnl_rule *r, uint32_t key, struct nft_batch *b)
{
	key_expr(r, "ct", NFTNL_EXPR_CT_KEY, key, NFTNL_EXPR_CT_DREG, b);
}

void nftb_store_ct(struct nftnl_rule *r, uint32_t key, struct nft_batch *b)
{
	key_expr(r, "ct", NFTNL_EXPR_CT_KEY, key, NFTNL_EXPR_CT_SREG, b);
}

/* reg1 = (reg1 & mask) ^ xor, on 32 bits */
void nftb_mask_xor(struct nftnl_rule *r, uint32_t mask, uint32_t xor, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, sizeof(uint32_t));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, &mask, sizeof(mask));
		nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, &xor, sizeof(xor));
	}
	nftb_add_expr(r, e, b);
}

void nftb_compare(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len,
		    struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	}
	nftb_add_expr(r, e, b);
}

void nftb_match_u32(struct nftnl_rule *r, uint32_t value, struct nft_batch *b)
{
	nftb_compare(r, NFT_CMP_EQ, &value, sizeof(value), b);
}

void nftb_match_ifname(struct nftnl_rule *r, uint32_t key, const char *name, struct nft_batch *b)
{
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	nftb_load_meta(r, key, b);
	nftb_compare(r, NFT_CMP_EQ, padded, sizeof(padded), b);
}

void nftb_match_ifname_not(struct nftnl_rule *r, uint32_t key, const char *name,
			   struct nft_batch *b)
{
	char padded[IFNAMSIZ] = { 0 };

	strncpy(padded, name, sizeof(padded) - 1);
	nftb_load_meta(r, key, b);
	nftb_compare(r, NFT_CMP_NEQ, padded, sizeof(padded), b);
}

void nftb_verdict(struct nftnl_rule *r, int code, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)code);
	}
	nftb_add_expr(r, e, b);
}

void nftb_jump(struct nftnl_rule *r, const char *chain, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)NFT_JUMP);
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	}
	nftb_add_expr(r, e, b);
}

void nftb_load_payload(struct nftnl_rule *r, uint32_t base, uint32_t offset, uint32_t len,
			 struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	}
	nftb_add_expr(r, e, b);
}

void nftb_match_ipv4(struct nftnl_rule *r, struct nft_batch *b)
{
	uint8_t ipv4 = NFPROTO_IPV4;

	nftb_load_meta(r, NFT_META_NFPROTO, b);
	nftb_compare(r, NFT_CMP_EQ, &ipv4, sizeof(ipv4), b);
}

void nftb_nat(struct nftnl_rule *r, uint32_t type, uint32_t nfproto, bool port,
	      struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("nat");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, type);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, nfproto);
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
		if (port)
			nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, NFT_REG_2);
	}
	nftb_add_expr(r, e, b);
}

void nftb_load_immediate(struct nftnl_rule *r, uint32_t reg, const void *data, uint32_t len,
			   struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
		nftnl_expr_set(e, NFTNL_EXPR_IMM_DATA, data, len);
	}
	nftb_add_expr(r, e, b);
}

void nftb_send_object(struct nft_batch *b, uint16_t type, uint16_t flags,
		      void (*build)(struct nlmsghdr *, const void *), const void *object)
{
	struct nlmsghdr *nlh;

	if (b->err)
		return;
	nlh = nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(b->msgs), type, b->family,
				    flags | NLM_F_ACK, b->nl->seq++);
	build(nlh, object);
	b->objects++;
	if (!mnl_nlmsg_batch_next(b->msgs))
		b->err = -ENOBUFS;
}

void nftb_add_chain(struct nft_batch *b, const char *table, const char *name, const char *type,
		      uint32_t hook, int32_t priority)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (!chain) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(chain, NFTNL_CHAIN_PRIO, priority);
	nftnl_chain_set_u32(chain, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nftb_send_object(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftb_build_chain, chain);
	nftnl_chain_free(chain);
}

void nftb_add_regular_chain(struct nft_batch *b, const char *table, const char *name)
{
	struct nftnl_chain *chain = nftnl_chain_alloc();

	if (!chain) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_chain_set_str(chain, NFTNL_CHAIN_TABLE, table);
	nftnl_chain_set_str(chain, NFTNL_CHAIN_NAME, name);
	nftb_send_object(b, NFT_MSG_NEWCHAIN, NLM_F_CREATE, nftb_build_chain, chain);
	nftnl_chain_free(chain);
}

void nftb_flush_chain(struct nft_batch *b, const char *table, const char *chain)
{
	struct nftnl_rule *rule = nftb_rule_new(table, chain);

	if (!rule) {
		b->err = -ENOMEM;
		return;
	}
	/* A rule deletion without a handle deletes every rule of the chain. */
	nftb_send_object(b, NFT_MSG_DELRULE, 0, nftb_build_rule, rule);
	nftnl_rule_free(rule);
}

struct nftnl_rule *nftb_rule_new(const char *table, const char *chain)
{
	struct nftnl_rule *rule = nftnl_rule_alloc();

	if (rule) {
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, table);
		nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	}
	return rule;
}

void nftb_count(struct nftnl_rule *r, struct nft_batch *b)
{
	nftb_add_expr(r, nftnl_expr_alloc("counter"), b);
}

/* The rule's nftb_comment, stored as nft(8) stores it, so `nft list` shows it too. */
void nftb_drop_counted(struct nftnl_rule *r, const char *comment, struct nft_batch *b)
{
	nftb_count(r, b);
	nftb_verdict(r, NF_DROP, b);
	nftb_comment(r, comment, b);
}

void nftb_match_saddr_not_local(struct nftnl_rule *r, bool on_oif, struct nft_batch *b)
{
	struct nftnl_expr *e = nftnl_expr_alloc("fib");
	uint32_t local = RTN_LOCAL;

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS,
				   NFTA_FIB_F_SADDR | (on_oif ? NFTA_FIB_F_OIF : 0));
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	}
	nftb_add_expr(r, e, b);
	nftb_compare(r, NFT_CMP_NEQ, &local, sizeof(local), b);
}

void nftb_comment(struct nftnl_rule *r, const char *text, struct nft_batch *b)
{
	struct nftnl_udata_buf *udata = nftnl_udata_buf_alloc(64);

	if (!udata || !nftnl_udata_put_strz(udata, NFTNL_UDATA_RULE_COMMENT, text))
		b->err = -ENOMEM;
	else
		nftnl_rule_set_data(r, NFTNL_RULE_USERDATA, nftnl_udata_buf_data(udata),
				    nftnl_udata_buf_len(udata));
	nftnl_udata_buf_free(udata);
}

void nftb_send_rule(struct nft_batch *b, struct nftnl_rule *rule)
{
	if (!rule) {
		b->err = -ENOMEM;
		return;
	}
	nftb_send_object(b, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND, nftb_build_rule, rule);
	nftnl_rule_free(rule);
}

void nftb_insert_rule(struct nft_batch *b, struct nftnl_rule *rule)
{
	if (!rule) {
		b->err = -ENOMEM;
		return;
	}
	/* Without NLM_F_APPEND and a position, the kernel puts it first. */
	nftb_send_object(b, NFT_MSG_NEWRULE, NLM_F_CREATE, nftb_build_rule, rule);
	nftnl_rule_free(rule);
}

/* libmnl builds each message at the end of the batch before it knows its length, and only
 * then (mnl_nlmsg_batch_next) finds that it went past the limit: so the buffer must hold
 * twice the limit (mnl_nlmsg_batch_start(3)), and the message that did not fit stays
 * behind the limit, unsent.  The buffer is on the heap: a caller's stack limit is not ours
 * to rely on. */
int nftb_start(struct nft_batch *b, struct nl *nl)
{
	b->nl = nl;
	b->objects = 0;
	b->err = 0;
	b->family = NFPROTO_INET;
	/* zeroed: the padding between attributes is sent as it is */
	b->buf = calloc(2, NFTB_LIMIT);
	if (!b->buf)
		return -ENOMEM;
	b->msgs = mnl_nlmsg_batch_start(b->buf, NFTB_LIMIT);
	if (!b->msgs) {
		free(b->buf);
		return -ENOMEM;
	}
	nftnl_batch_begin(mnl_nlmsg_batch_current(b->msgs), nl->seq++);
	mnl_nlmsg_batch_next(b->msgs);
	b->first_seq = nl->seq;
	return 0;
}

int nftb_commit(struct nft_batch *b)
{
	nftnl_batch_end(mnl_nlmsg_batch_current(b->msgs), b->nl->seq++);
	if (!mnl_nlmsg_batch_next(b->msgs) && !b->err)
		b->err = -ENOBUFS;	/* the kernel aborts a batch that has no end */
	if (!b->err && mnl_socket_sendto(b->nl->sock, mnl_nlmsg_batch_head(b->msgs),
					 mnl_nlmsg_batch_size(b->msgs)) < 0)
		b->err = -errno;
	mnl_nlmsg_batch_stop(b->msgs);
	free(b->buf);
	b->buf = NULL;
	if (b->err)
		return b->err;
	return nl_read_acks(b->nl, b->first_seq, b->objects);
}

void nftb_add_table(struct nft_batch *b, const char *name, uint32_t table_flags, uint16_t msg_flags)
{
	struct nftnl_table *table = nftnl_table_alloc();

	if (!table) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_table_set_str(table, NFTNL_TABLE_NAME, name);
	nftnl_table_set_u32(table, NFTNL_TABLE_FLAGS, table_flags);
	nftb_send_object(b, NFT_MSG_NEWTABLE, msg_flags, nftb_build_table, table);
	nftnl_table_free(table);
}

void nftb_delete_table(struct nft_batch *b, const char *name)
{
	struct nftnl_table *table = nftnl_table_alloc();

	if (!table) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_table_set_str(table, NFTNL_TABLE_NAME, name);
	nftb_send_object(b, NFT_MSG_DELTABLE, 0, nftb_build_table, table);
	nftnl_table_free(table);
}

void nftb_delete_rule(struct nft_batch *b, const char *table, const char *chain, uint64_t handle)
{
	struct nftnl_rule *rule = nftb_rule_new(table, chain);

	if (!rule) {
		b->err = -ENOMEM;
		return;
	}
	nftnl_rule_set_u64(rule, NFTNL_RULE_HANDLE, handle);
	nftb_send_object(b, NFT_MSG_DELRULE, 0, nftb_build_rule, rule);
	nftnl_rule_free(rule);
}

struct comment_search {
	const char *text;
};

static int find_comment(const struct nftnl_udata *attr, void *data)
{
	struct comment_search *found = data;

	if (nftnl_udata_type(attr) == NFTNL_UDATA_RULE_COMMENT && nftnl_udata_len(attr) > 0) {
		const char *text = nftnl_udata_get(attr);

		if (text[nftnl_udata_len(attr) - 1] == '\0')
			found->text = text;
	}
	return 0;
}

const char *nftb_rule_comment(const struct nftnl_rule *rule)
{
	struct comment_search found = { NULL };
	uint32_t len = 0;
	const void *udata = nftnl_rule_get_data(rule, NFTNL_RULE_USERDATA, &len);

	if (udata)
		nftnl_udata_parse(udata, len, find_comment, &found);
	return found.text;
}

int nftb_dump_rules(struct nl *nl, const char *table, mnl_cb_t cb, void *data)
{
	return nftb_dump_chain_rules(nl, NFPROTO_INET, table, NULL, cb, data);
}

int nftb_dump_chain_rules(struct nl *nl, uint8_t family, const char *table, const char *chain,
			  mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_rule *rule = nftnl_rule_alloc();
	struct nlmsghdr *nlh;

	if (!rule)
		return -ENOMEM;
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, family, NLM_F_DUMP, nl->seq++);
	if (table)
		nftnl_rule_set_str(rule, NFTNL_RULE_TABLE, table);
	if (chain)
		nftnl_rule_set_str(rule, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_nlmsg_build_payload(nlh, rule);
	nftnl_rule_free(rule);
	return nl_dump(nl, nlh, cb, data);
}

int nftb_table_present(struct nl *nl, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nftnl_table *table = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	int err;

	if (!table)
		return -ENOMEM;
	memset(buf, 0, sizeof(buf));
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET, 0, nl->seq++);
	nftnl_table_set_str(table, NFTNL_TABLE_NAME, name);
	nftnl_table_nlmsg_build_payload(nlh, table);
	nftnl_table_free(table);
	err = nl_query(nl, nlh, NULL, NULL);
	return err == 0 ? 1 : err == -ENOENT ? 0 : err;
}
