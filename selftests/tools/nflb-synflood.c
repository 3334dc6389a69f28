// SPDX-License-Identifier: GPL-2.0
/*
 * nflb-synflood: spoofed TCP SYNs, for the DSR flow table's flood guard
 * (selftests/lb_dsr_flood.sh).  IPv4 only, a raw socket with IP_HDRINCL:
 * N SYNs to ADDR PORT, each from its own source: source addresses PREFIX.2
 * to PREFIX.(HOSTS + 1) in turn (.1 is left to a real client), source ports counting up from 1024, so that no
 * two SYNs of a run share a 5-tuple.  Sent as fast as the socket takes
 * them; nothing is read.  Prints "sent N" and exits 0 when every SYN went
 * out, 1 otherwise, 2 on bad usage.
 *
 * Usage: nflb-synflood [-n N] [-H HOSTS] PREFIX ADDR PORT
 *   PREFIX: the first three bytes of the source addresses, e.g. 192.0.2
 *   -n N      SYNs (default 1000)
 *   -H HOSTS  source addresses (1..252, default 200)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static uint16_t csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static int usage(void)
{
	fprintf(stderr, "usage: nflb-synflood [-n N] [-H HOSTS] PREFIX ADDR PORT\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct {
		struct iphdr ip;
		struct tcphdr tcp;
	} pkt;
	struct {
		uint32_t saddr, daddr;
		uint8_t zero, proto;
		uint16_t len;
		struct tcphdr tcp;
	} ph;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct in_addr base;
	char prefix[32];
	long n = 1000, hosts = 200, i, sent = 0;
	int fd, c, on = 1, port;

	while ((c = getopt(argc, argv, "n:H:")) != -1) {
		switch (c) {
		case 'n':
			n = strtol(optarg, NULL, 10);
			break;
		case 'H':
			hosts = strtol(optarg, NULL, 10);
			break;
		default:
			return usage();
		}
	}
	if (argc - optind != 3 || n < 1 || hosts < 1 || hosts > 252)
		return usage();
	snprintf(prefix, sizeof(prefix), "%s.0", argv[optind]);
	port = atoi(argv[optind + 2]);
	if (inet_pton(AF_INET, prefix, &base) != 1 ||
	    inet_pton(AF_INET, argv[optind + 1], &dst.sin_addr) != 1 ||
	    port < 1 || port > 65535)
		return usage();
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &on, sizeof(on)) < 0) {
		perror("nflb-synflood: raw socket");
		return 1;
	}
	for (i = 0; i < n; i++) {
		uint32_t src = ntohl(base.s_addr) + 2 + i % hosts;
		uint16_t sport = 1024 + i / hosts;

		memset(&pkt, 0, sizeof(pkt));
		pkt.ip.version = 4;
		pkt.ip.ihl = 5;
		pkt.ip.tot_len = htons(sizeof(pkt));
		pkt.ip.id = htons((uint16_t)i);
		pkt.ip.ttl = 64;
		pkt.ip.protocol = IPPROTO_TCP;
		pkt.ip.saddr = htonl(src);
		pkt.ip.daddr = dst.sin_addr.s_addr;
		pkt.ip.check = htons(csum(&pkt.ip, sizeof(pkt.ip), 0));
		pkt.tcp.source = htons(sport);
		pkt.tcp.dest = htons(port);
		pkt.tcp.seq = htonl(0x10000 * (uint32_t)i + 1);
		pkt.tcp.doff = 5;
		pkt.tcp.syn = 1;
		pkt.tcp.window = htons(64240);
		ph.saddr = pkt.ip.saddr;
		ph.daddr = pkt.ip.daddr;
		ph.zero = 0;
		ph.proto = IPPROTO_TCP;
		ph.len = htons(sizeof(pkt.tcp));
		ph.tcp = pkt.tcp;
		pkt.tcp.check = htons(csum(&ph, sizeof(ph), 0));
		if (sendto(fd, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
			   sizeof(dst)) == (ssize_t)sizeof(pkt))
			sent++;
		else
			perror("nflb-synflood: sendto");
	}
	printf("sent %ld\n", sent);
	close(fd);
	return sent == n ? 0 : 1;
}
