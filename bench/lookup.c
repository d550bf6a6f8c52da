/* lookup.c - what one route lookup of the host's own traffic costs, for bench/run.sh.
 *
 *   lookup [-n] ADDR PORT COUNT   send COUNT one-byte UDP datagrams to ADDR:PORT from an
 *                                 unconnected socket; prints the median nanoseconds per
 *                                 datagram over 9 rounds.  -n: each from a new socket,
 *                                 so each is a new flow (a new conntrack entry, which
 *                                 the NAT chains see)
 *
 * An unconnected socket keeps no route: every sendto() looks one up, through the policy
 * rules, as every new connection and every datagram of a DNS client does.  Nobody needs
 * to listen at ADDR:PORT (the datagrams are dropped there).  Bench-only code.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 9

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	bool new_flows = argc == 5 && strcmp(argv[1], "-n") == 0;
	double per_send[ROUNDS];
	long count;
	int fd = -1;

	argv += new_flows;
	argc -= new_flows;
	if (argc != 4 || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
	    (count = strtol(argv[3], NULL, 10)) <= 0) {
		fprintf(stderr, "usage: lookup [-n] ADDR PORT COUNT\n");
		return 2;
	}
	to.sin_port = htons((uint16_t)strtol(argv[2], NULL, 10));
	for (int round = 0; round < ROUNDS; round++) {
		struct timespec t0, t1;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (long i = 0; i < count; i++) {
			if (fd < 0)
				fd = socket(AF_INET, SOCK_DGRAM, 0);
			if (fd < 0) {
				fprintf(stderr, "lookup: socket: %s\n", strerror(errno));
				return 1;
			}
			if (sendto(fd, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)) < 0 &&
			    errno != ENOBUFS && errno != EAGAIN) {
				fprintf(stderr, "lookup: sendto: %s\n", strerror(errno));
				return 1;
			}
			if (new_flows) {
				close(fd);
				fd = -1;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		per_send[round] = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 +
				   (double)(t1.tv_nsec - t0.tv_nsec)) / (double)count;
	}
	qsort(per_send, ROUNDS, sizeof(per_send[0]), compare);
	printf("%.0f\n", per_send[ROUNDS / 2]);
	if (fd >= 0)
		close(fd);
	return 0;
}
