/* rr.c - TCP request/response latency, for bench/run.sh.
 *
 *   rr -s PORT                 serve: echo every byte back, one connection after another
 *   rr -c ADDR PORT COUNT      connect, then COUNT times send one byte and wait for it back;
 *                              prints the median and the 99th percentile round trip in
 *                              microseconds ("median_us p99_us")
 *
 * TCP_NODELAY on both ends, so each round trip is one segment each way.  Bench-only code.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "rr: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void no_delay(int fd)
{
	int on = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

__attribute__((noreturn)) static void serve(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), on = 1;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 16))
		die("listen");
	for (;;) {
		int conn = accept(fd, NULL, NULL);
		char byte;

		if (conn < 0)
			continue;
		no_delay(conn);
		while (read(conn, &byte, 1) == 1 && write(conn, &byte, 1) == 1)
			;
		close(conn);
	}
}

static int compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int client(const char *host, int port, int count)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	double *rtt = calloc((size_t)count, sizeof(*rtt));
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	char byte = 'x';

	if (!rtt || fd < 0 || inet_pton(AF_INET, host, &addr.sin_addr) != 1)
		die("setup");
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("connect");
	no_delay(fd);
	/* A few round trips first: ARP, conntrack and the route cache settle. */
	for (int i = -20; i < count; i++) {
		double start = now_us();

		if (write(fd, &byte, 1) != 1 || read(fd, &byte, 1) != 1)
			die("round trip");
		if (i >= 0)
			rtt[i] = now_us() - start;
	}
	qsort(rtt, (size_t)count, sizeof(*rtt), compare);
	printf("%.1f %.1f\n", rtt[count / 2], rtt[count * 99 / 100]);
	close(fd);
	free(rtt);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "-s") == 0)
		serve(atoi(argv[2]));
	if (argc == 5 && strcmp(argv[1], "-c") == 0 && atoi(argv[4]) > 0)
		return client(argv[2], atoi(argv[3]), atoi(argv[4]));
	fprintf(stderr, "usage: rr -s PORT | rr -c ADDR PORT COUNT\n");
	return 2;
}
