/* libFuzzer harness for conf_parse(): the input is the text of netjail.conf.
 *
 * Whatever the file says, conf_parse() must either refuse it with a printable
 * "NAME:LINE: reason", or give a pool in which every slot is a /30 inside the pool.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "fuzz.h"
#include "pool.h"

#define MAX_SLOTS_CHECKED 300u

/* "fuzz.conf:LINE: reason" or "fuzz.conf: reason", printable, and LINE one of @text's. */
static void check_why(const char *why, size_t size, const char *text)
{
	size_t len = strnlen(why, size);
	unsigned long lines = 1, line;
	char *end;

	if (len == size || strncmp(why, "fuzz.conf:", 10) != 0)
		abort();
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)why[i] < 0x20 || (unsigned char)why[i] >= 0x7f)
			abort();
	if (why[10] == ' ')
		return;
	for (; *text; text++)
		lines += *text == '\n';
	line = strtoul(why + 10, &end, 10);
	if (end == why + 10 || *end != ':' || line == 0 || line > lines)
		abort();
}

static void check_pool(const struct pool_config *pool)
{
	unsigned count = pool_slot_count(pool), last;
	uint32_t base = ntohl(pool->pool_base.s_addr);
	uint32_t mask = 0xffffffffu << (32 - pool->pool_prefix);
	struct jail_net net;

	if (count == 0 || pool->pool_prefix < 8 || pool->pool_prefix > 28 || !pool->mark_mask)
		abort();
	last = count < MAX_SLOTS_CHECKED ? count : MAX_SLOTS_CHECKED;
	for (unsigned slot = 1; slot <= last; slot++) {
		uint32_t host;

		if (pool_slot(pool, slot, &net))
			abort();
		host = ntohl(net.host_addr.s_addr);
		if ((host & mask) != base || (net.mark & ~pool->mark_mask) || !net.mark ||
		    net.table <= pool->table_base)
			abort();
	}
	if (pool_slot(pool, 0, &net) != -ERANGE || pool_slot(pool, count + 1, &net) != -ERANGE)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netjail_conf conf;
	char why[256];
	char *text;
	int err;

	if (size > CONF_MAX_BYTES)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	conf_defaults(&conf);
	/* The default pool spelled out (pool.c reads a zero base as 10.231.0.0), so that every
	 * pool is checked as written and a file cannot slip a zero base past the check. */
	conf.pool.pool_base.s_addr = htonl(0x0ae70000u);
	memset(why, 'x', sizeof(why));
	why[sizeof(why) - 1] = '\0';
	err = conf_parse(text, "fuzz.conf", &conf, why, sizeof(why));
	if (err == 0) {
		check_pool(&conf.pool);
		if (conf.interface_count > CONF_MAX_INTERFACES ||
		    (conf.interface_count && !conf.restricts_interfaces))
			abort();
		for (unsigned i = 0; i < conf.interface_count; i++)
			if (!conf.interfaces[i][0] ||
			    strnlen(conf.interfaces[i], CONF_GLOB_MAX) == CONF_GLOB_MAX)
				abort();
		(void)conf_allows_interface(&conf, "wlan0");
	} else if (err != -EINVAL) {
		abort();
	} else {
		check_why(why, sizeof(why), text);
	}
	free(text);
	return 0;
}
