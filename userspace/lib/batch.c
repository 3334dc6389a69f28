// SPDX-License-Identifier: GPL-2.0
/*
 * Batches: requests packed into one buffer, sent with one sendmsg() per
 * buffer, none acknowledged but the last.  The kernel handles the messages
 * of one send in order before sendmsg() returns and answers a failed one
 * with an NLMSG_ERROR carrying its sequence number, which maps back to the
 * caller's tag.
 *
 * The receive side must never overflow (an overflowed socket drops
 * messages, and the final acknowledgement could be among them): the
 * receive buffer is enlarged, a send carries no more requests than the
 * buffer could hold errors for, and the errors of each send are read
 * before the next one goes out.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

#include "nflbnl.h"
#include "internal.h"

#define BATCH_BUF_MAX	(256 * 1024)	/* bytes per sendmsg() */
#define BATCH_RCVBUF	(8 * 1024 * 1024)
/*
 * Receive buffer space one error takes (sk_buff truesize of a capped
 * NLMSG_ERROR with an extack message), rounded up generously.
 */
#define BATCH_ERR_COST	2048

struct nflb_batch {
	struct nflb_nl *nl;
	char *buf;
	size_t cap;		/* bytes per send */
	size_t len;		/* bytes of finished requests in buf */
	struct nlmsghdr *cur;	/* the request being built, or NULL */
	unsigned int in_buf;	/* requests in buf, cur included */
	unsigned int max_msgs;	/* requests per send */
	uint32_t first_seq;	/* of the batch's first request */
	uint32_t *tags;		/* by seq - first_seq */
	size_t n, tags_cap;
	bool dead;		/* a send failed: no more requests */
	uint32_t wait_seq;	/* acknowledged request ending the batch */
	bool done;		/* its acknowledgement came */
	bool failed;		/* a request failed or a send did */
	uint32_t failed_tag;
	struct nflb_nl_err err;
};

static void batch_fail(struct nflb_batch *b, uint32_t tag,
		       const struct nflb_nl_err *err)
{
	if (b->failed)
		return;
	b->failed = true;
	b->failed_tag = tag;
	b->err = *err;
}

static void batch_fail_errno(struct nflb_batch *b, uint32_t tag, int error,
			     const char *msg)
{
	struct nflb_nl_err err = { .error = error };

	snprintf(err.msg, sizeof(err.msg), "%s", msg ? msg : strerror(error));
	batch_fail(b, tag, &err);
}

static int sock_size(int fd, int opt, int force, int want)
{
	socklen_t len = sizeof(int);
	int have = 0;

	/* FORCE needs CAP_NET_ADMIN, which every request needs anyway. */
	if (setsockopt(fd, SOL_SOCKET, force, &want, sizeof(want)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &want, sizeof(want));
	if (getsockopt(fd, SOL_SOCKET, opt, &have, &len) < 0)
		return 0;
	return have;
}

struct nflb_batch *nflb_batch_begin(struct nflb_nl *nl)
{
	int fd = mnl_socket_get_fd(nl->sock);
	struct nflb_batch *b;
	int sndbuf, rcvbuf;

	b = calloc(1, sizeof(*b));
	if (!b) {
		nflb_nl_set_error(nl, ENOMEM, NULL);
		return NULL;
	}
	b->nl = nl;
	/*
	 * A send must fit the send buffer (netlink refuses larger ones) and
	 * hold at least one request of the largest size.
	 */
	sndbuf = sock_size(fd, SO_SNDBUF, SO_SNDBUFFORCE, 2 * BATCH_BUF_MAX);
	b->cap = BATCH_BUF_MAX;
	if (sndbuf > 0 && (size_t)sndbuf / 2 < b->cap)
		b->cap = (size_t)sndbuf / 2;
	if (b->cap < NFLB_BATCH_MSG_MAX)
		b->cap = NFLB_BATCH_MSG_MAX;
	rcvbuf = sock_size(fd, SO_RCVBUF, SO_RCVBUFFORCE, BATCH_RCVBUF);
	/* Half of it for errors: the rest is the kernel's overhead. */
	b->max_msgs = rcvbuf > 0 ? (unsigned int)rcvbuf / 2 / BATCH_ERR_COST : 0;
	if (b->max_msgs < 16)
		b->max_msgs = 16;
	b->buf = malloc(b->cap);
	if (!b->buf) {
		free(b);
		nflb_nl_set_error(nl, ENOMEM, NULL);
		return NULL;
	}
	b->first_seq = nl->seq + 1;
	return b;
}

/* The tag of sequence number SEQ, false if not one of the batch's. */
static bool seq_tag(const struct nflb_batch *b, uint32_t seq, uint32_t *tag)
{
	uint32_t i = seq - b->first_seq;

	if (i >= b->n)
		return false;
	*tag = b->tags[i];
	return true;
}

/* Handle the messages in BUF: record errors, note the final ACK. */
static void batch_replies(struct nflb_batch *b, const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int rem = (int)len;
	struct nflb_nl_err err;
	uint32_t tag;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_type != NLMSG_ERROR)
			continue;	/* a reply we do not need */
		if (nflb_nl_parse_error(nlh, &err) < 0)
			continue;
		if (err.error && seq_tag(b, nlh->nlmsg_seq, &tag))
			batch_fail(b, tag, &err);
		if (b->wait_seq && nlh->nlmsg_seq == b->wait_seq)
			b->done = true;
	}
}

/*
 * After lost replies, a request of our own that is acknowledged (GET_INFO)
 * ends the batch instead: the last request's answer may be among the lost.
 */
static int batch_resync(struct nflb_batch *b)
{
	struct nlmsghdr *nlh;
	char buf[256];

	nlh = nflb_msg_put_header(buf, b->nl->family_id, NFLB_CMD_GET_INFO,
				  NLM_F_ACK);
	nlh->nlmsg_seq = ++b->nl->seq;
	if (mnl_socket_sendto(b->nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	b->wait_seq = nlh->nlmsg_seq;
	b->done = false;
	return 0;
}

/*
 * Read replies: if BLOCK, until the batch's end was acknowledged; else
 * until none is queued.  -1 with errno on failure.
 */
static int batch_read(struct nflb_batch *b, bool block)
{
	int fd = mnl_socket_get_fd(b->nl->sock);
	ssize_t len;

	while (!(block && b->done)) {
		len = recv(fd, b->nl->buf, sizeof(b->nl->buf),
			   block ? 0 : MSG_DONTWAIT);
		if (len >= 0) {
			batch_replies(b, b->nl->buf, len);
			continue;
		}
		if (errno == EINTR)
			continue;
		if (!block && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (errno != ENOBUFS)
			return -1;
		batch_fail_errno(b, b->n ? b->tags[0] : 0, ENOBUFS,
				 "replies lost: the receive buffer overflowed");
		if (b->wait_seq && batch_resync(b) < 0)
			return -1;
	}
	return 0;
}

/* Send the finished requests of the buffer, then read their errors. */
static int batch_send(struct nflb_batch *b)
{
	uint32_t tag = b->n ? b->tags[b->n - b->in_buf] : 0;

	if (!b->len)
		return 0;
	if (mnl_socket_sendto(b->nl->sock, b->buf, b->len) < 0) {
		batch_fail_errno(b, tag, errno, NULL);
		b->dead = true;
		return -1;
	}
	b->len = 0;
	b->in_buf = 0;
	if (batch_read(b, false) < 0) {
		batch_fail_errno(b, tag, errno, NULL);
		return -1;
	}
	return 0;
}

static void batch_close_msg(struct nflb_batch *b)
{
	if (!b->cur)
		return;
	b->len += NLMSG_ALIGN(b->cur->nlmsg_len);
	b->cur = NULL;
}

struct nlmsghdr *nflb_batch_msg(struct nflb_batch *b, uint8_t cmd,
				uint32_t tag)
{
	struct nlmsghdr *nlh;

	if (b->dead)
		return NULL;
	if (b->cur && b->cur->nlmsg_len > NFLB_BATCH_MSG_MAX) {
		batch_fail_errno(b, b->tags[b->n - 1], EMSGSIZE,
				 "request larger than NFLB_BATCH_MSG_MAX");
		b->dead = true;
		return NULL;
	}
	batch_close_msg(b);
	if (NFLB_ARRAY_RESERVE(b->tags, b->tags_cap, b->n + 1) < 0) {
		batch_fail_errno(b, tag, ENOMEM, NULL);
		return NULL;
	}
	if (b->cap - b->len < NFLB_BATCH_MSG_MAX || b->in_buf >= b->max_msgs) {
		if (batch_send(b) < 0)
			return NULL;
	}
	nlh = nflb_msg_put_header(b->buf + b->len, b->nl->family_id, cmd, 0);
	nlh->nlmsg_seq = ++b->nl->seq;
	b->tags[b->n++] = tag;
	b->in_buf++;
	b->cur = nlh;
	return nlh;
}

static void batch_free(struct nflb_batch *b)
{
	free(b->tags);
	free(b->buf);
	free(b);
}

int nflb_batch_end(struct nflb_batch *b, uint32_t *failed_tag)
{
	struct nflb_nl *nl = b->nl;
	int ret = 0;

	if (b->cur && !b->dead) {
		if (b->cur->nlmsg_len > NFLB_BATCH_MSG_MAX) {
			batch_fail_errno(b, b->tags[b->n - 1], EMSGSIZE,
					 "request larger than NFLB_BATCH_MSG_MAX");
			goto out;
		}
		/* The last request is acknowledged: its answer ends all. */
		b->cur->nlmsg_flags |= NLM_F_ACK;
		b->wait_seq = b->cur->nlmsg_seq;
		batch_close_msg(b);
		if (batch_send(b) < 0)
			goto out;
		if (batch_read(b, true) < 0)
			batch_fail_errno(b, b->tags[b->n - 1], errno, NULL);
	}
out:
	if (b->failed) {
		nl->err = b->err;
		if (failed_tag)
			*failed_tag = b->failed_tag;
		ret = -1;
	}
	batch_free(b);
	return ret;
}
