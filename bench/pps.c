/* pps.c - 64-byte UDP packet rate, for bench/run.sh.
 *
 *   pps -s PORT                  serve: count the 64-byte datagrams that arrive; answer a
 *                                4-byte "zero" with "0" (count from now), an 8-byte "report"
 *                                with the count since (8 bytes, host order); between the two
 *                                it polls its socket every millisecond
 *   pps -c ADDR PORT SECONDS     zero the count, send 64-byte datagrams as fast as the path
 *                                takes them for SECONDS, ask for the count; prints the
 *                                datagrams the server received per second
 *
 * Both ends move datagrams in batches of 64 (sendmmsg, recvmmsg), so that the system calls
 * cost little next to what each datagram costs on its way: the rate measures the path
 * (veth hops, forwarding, conntrack, NAT, nftables), not the tool.  iperf3 -u makes one
 * system call per datagram and its receiver is what it measures at 64 bytes.  What the
 * server's socket could not take is lost and not counted.  The server does not wait on its socket
 * while it counts, it polls it: waking a waiter up (an IPI, ~40 us on a VM) would be
 * charged to the sending CPU, which runs the whole path in its softirq, and more often the
 * slower the path is: the rate would measure the scheduler.  Its socket's buffer holds far
 * more than a millisecond of datagrams.  Bench-only code.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64
#define PAYLOAD 64

__attribute__((noreturn)) static void die(const char *what)
{
	fprintf(stderr, "pps: %s: %s\n", what, strerror(errno));
	exit(1);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noreturn)) static void serve(int port)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static char bufs[BATCH][256];
	struct sockaddr_in peers[BATCH];
	struct mmsghdr msgs[BATCH];
	struct iovec iovs[BATCH];
	int fd = socket(AF_INET, SOCK_DGRAM, 0), size = 16 << 20;
	uint64_t count = 0;
	double spin_until = 0;

	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("bind");
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	for (;;) {
		for (int i = 0; i < BATCH; i++) {
			iovs[i] = (struct iovec){ .iov_base = bufs[i], .iov_len = sizeof(bufs[i]) };
			msgs[i].msg_hdr = (struct msghdr){
				.msg_name = &peers[i], .msg_namelen = sizeof(peers[i]),
				.msg_iov = &iovs[i], .msg_iovlen = 1,
			};
		}
		int got = recvmmsg(fd, msgs, BATCH, spin_until ? MSG_DONTWAIT : MSG_WAITFORONE, NULL);

		if (got < 0) {
			/* A client that never asks for its count: back to sleeping after a minute. */
			if (errno == EAGAIN && now() > spin_until)
				spin_until = 0;
			if (errno == EAGAIN)
				usleep(1000);
			if (errno == EINTR || errno == EAGAIN)
				continue;
			die("recvmmsg");
		}
		for (int i = 0; i < got; i++) {
			if (msgs[i].msg_len == PAYLOAD) {
				count++;
				continue;
			}
			if (msgs[i].msg_len == 4) {
				count = 0;
				spin_until = now() + 60;
			} else if (msgs[i].msg_len == 8) {
				spin_until = 0;
			}
			if (msgs[i].msg_len == 4 || msgs[i].msg_len == 8)
				sendto(fd, &count, sizeof(count), 0, (struct sockaddr *)&peers[i],
				       msgs[i].msg_hdr.msg_namelen);
		}
	}
}

/* Send a @len-byte request until the answer comes; returns the count it carries. */
static uint64_t ask(int fd, size_t len)
{
	char request[8] = "report";
	uint64_t count;

	for (int tries = 0; tries < 50; tries++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		if (send(fd, request, len, 0) < 0 && errno != ENOBUFS && errno != ECONNREFUSED)
			die("send");
		while (poll(&pfd, 1, 100) > 0)
			if (recv(fd, &count, sizeof(count), 0) == (ssize_t)sizeof(count))
				return count;
	}
	errno = ETIMEDOUT;
	die("no answer from the server");
}

static void client(const char *ip, int port, double seconds)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	static char payload[PAYLOAD];
	struct mmsghdr msgs[BATCH];
	struct iovec iov = { .iov_base = payload, .iov_len = sizeof(payload) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	double start, end;
	uint64_t count;

	if (fd < 0 || inet_pton(AF_INET, ip, &addr.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		die("connect");
	for (int i = 0; i < BATCH; i++)
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
	ask(fd, 4);
	start = now();
	end = start + seconds;
	while (now() < end)
		if (sendmmsg(fd, msgs, BATCH, 0) < 0 && errno != ENOBUFS && errno != EINTR)
			die("sendmmsg");
	end = now();
	/* The last batches are still on their way (the server's CPU): wait for them. */
	usleep(100000);
	count = ask(fd, 8);
	printf("%.0f\n", (double)count / (end - start));
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "-s"))
		serve(atoi(argv[2]));
	if (argc == 5 && !strcmp(argv[1], "-c")) {
		client(argv[2], atoi(argv[3]), strtod(argv[4], NULL));
		return 0;
	}
	fprintf(stderr, "usage: pps -s PORT | pps -c ADDR PORT SECONDS\n");
	return 2;
}
