/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The generic netlink plumbing the test tools share (vdpa_nl, vdpa_scale):
 * a socket that gets the kernel's extended ACKs, family lookup, building a
 * request, and a transaction that reads to the ACK or NLMSG_DONE.
 *
 * What a tool says when something fails is its own: a failed system call
 * goes to its sys_error hook, a full request is returned as -EMSGSIZE, and
 * the kernel's answer comes back whole in a struct genl_reply.
 *
 * libc only, so the tools still link statically into the test initramfs.
 */
#ifndef _VDPA_TEST_GENL_H
#define _VDPA_TEST_GENL_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/types.h>

#include "fail_nth.h"

/* The kernel's type names, so the code reads like the kernel it tests. */
typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* A dump message is at most 32 KiB; a larger buffer lets it be that big. */
#define GENL_RSP_SIZE 65536

/* One sequence for every request, whichever buffer it is built in. */
static u32 genl_seq;

/* As the kernel's nla_ok(), nla_next(), nla_data() and nla_len(). */
static inline int nla_ok(const struct nlattr *nla, int rem)
{
	return rem >= NLA_HDRLEN && nla->nla_len >= NLA_HDRLEN &&
	       nla->nla_len <= rem;
}

static inline const struct nlattr *nla_next(const struct nlattr *nla,
					    int *rem)
{
	*rem -= NLA_ALIGN(nla->nla_len);
	return (const struct nlattr *)((const char *)nla +
				       NLA_ALIGN(nla->nla_len));
}

static inline const void *nla_data(const struct nlattr *nla)
{
	return (const char *)nla + NLA_HDRLEN;
}

static inline int nla_len(const struct nlattr *nla)
{
	return nla->nla_len - NLA_HDRLEN;
}

/* The first attribute of a generic netlink message; *@rem its bytes. */
static inline const struct nlattr *genl_attrs(const struct nlmsghdr *nlh,
					      int *rem)
{
	*rem = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(GENL_HDRLEN);
	return (const struct nlattr *)((const char *)NLMSG_DATA(nlh) +
				       GENL_HDRLEN);
}

/* The attribute of @type in a generic netlink message, or NULL. */
static inline const struct nlattr *genl_find_attr(const struct nlmsghdr *nlh,
						  u16 type)
{
	const struct nlattr *nla;
	int rem;

	for (nla = genl_attrs(nlh, &rem); nla_ok(nla, rem);
	     nla = nla_next(nla, &rem))
		if ((nla->nla_type & NLA_TYPE_MASK) == type)
			return nla;
	return NULL;
}

/* Start a request in @buf, @size bytes; it asks for an ACK. */
static inline struct nlmsghdr *genl_msg_init(void *buf, size_t size, u16 type,
					     u16 flags, u8 cmd, u8 version)
{
	struct nlmsghdr *nlh = buf;
	struct genlmsghdr *g;

	memset(buf, 0, size);
	nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++genl_seq;
	g = NLMSG_DATA(nlh);
	g->cmd = cmd;
	g->version = version;
	return nlh;
}

/*
 * Append an attribute to the request in a buffer of @size bytes; @len may
 * be anything that fits, 0 included. Returns 0, or -EMSGSIZE if it does
 * not fit, the request left as it was.
 */
static inline int genl_put_attr(struct nlmsghdr *nlh, size_t size, u16 type,
				const void *data, size_t len)
{
	size_t off = NLMSG_ALIGN(nlh->nlmsg_len);
	struct nlattr *nla = (struct nlattr *)((char *)nlh + off);

	if (len > UINT16_MAX - NLA_HDRLEN ||
	    off + NLA_ALIGN(NLA_HDRLEN + len) > size)
		return -EMSGSIZE;
	nla->nla_type = type;
	nla->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)nla + NLA_HDRLEN, data, len);
	nlh->nlmsg_len = off + NLA_ALIGN(nla->nla_len);
	return 0;
}

static inline int genl_put_str(struct nlmsghdr *nlh, size_t size, u16 type,
			       const char *s)
{
	return genl_put_attr(nlh, size, type, s, strlen(s) + 1);
}

/* A socket, and how the tool that owns it wants it run. */
struct genl {
	int fd;
	/* Reports that system call @what failed, errno saying why; exits. */
	void (*sys_error)(const char *what);
	/* Fail to open rather than lose the kernel's messages. */
	unsigned int need_ext_ack:1;
	/* Arm fail_nth.h around sending each request. */
	unsigned int fail_nth:1;
};

/* How the kernel answered a request. */
struct genl_reply {
	const struct nlmsghdr *req;	/* the request, for @offs */
	int error;		/* 0 or -errno, from its ACK or NLMSG_DONE */
	const char *msg;	/* the extack message, or NULL */
	u32 offs;		/* where in @req the attribute it blames is */
	u32 miss;		/* the type of the attribute it missed */
	unsigned int has_offs:1, has_miss:1;
	unsigned int done:1;	/* NLMSG_DONE ended it, not an ACK */
	unsigned long reads;	/* recv()s that brought data messages */
};

static inline void genl_fail(const struct genl *g, const char *what)
{
	g->sys_error(what);
	exit(1);	/* in case the hook returned */
}

static inline void genl_open(struct genl *g)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	int one = 1;

	g->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (g->fd < 0)
		genl_fail(g, "socket");
	if (bind(g->fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		genl_fail(g, "bind");
	/* Without these the kernel drops its message, or echoes our request. */
	if (setsockopt(g->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one)) &&
	    g->need_ext_ack)
		genl_fail(g, "NETLINK_EXT_ACK");
	setsockopt(g->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

/*
 * An NLMSG_ERROR into @rep: error 0 is the ACK. The extack TLVs follow the
 * (capped) original header. Returns the error, or -EPROTO when the message
 * is too short to hold one, @rep then left empty.
 */
static inline int genl_parse_ack(const struct nlmsghdr *nlh,
				 struct genl_reply *rep)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	const struct nlattr *nla;
	size_t skip = sizeof(*e);
	int rem;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EPROTO;
	rep->error = e->error;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return e->error;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		skip += e->msg.nlmsg_len - sizeof(e->msg);
	nla = (const struct nlattr *)((const char *)e + NLMSG_ALIGN(skip));
	rem = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(NLMSG_ALIGN(skip));
	for (; nla_ok(nla, rem); nla = nla_next(nla, &rem)) {
		const void *p = nla_data(nla);
		int len = nla_len(nla);

		switch (nla->nla_type & NLA_TYPE_MASK) {
		case NLMSGERR_ATTR_MSG:
			if (len && memchr(p, '\0', len))
				rep->msg = p;
			break;
		case NLMSGERR_ATTR_OFFS:
			if (len == 4) {
				memcpy(&rep->offs, p, 4);
				rep->has_offs = 1;
			}
			break;
		case NLMSGERR_ATTR_MISS_TYPE:
			if (len == 4) {
				memcpy(&rep->miss, p, 4);
				rep->has_miss = 1;
			}
			break;
		}
	}
	return e->error;
}

/*
 * Send @req and read until its ACK or, for a dump, its NLMSG_DONE (a
 * started dump is never acked). @cb sees every data message of its
 * sequence. Returns 0 or -errno, as genl_parse_ack(); @rep says the rest.
 * The strings in @rep last until the next call.
 */
static inline int genl_transact(struct genl *g, const struct nlmsghdr *req,
				void (*cb)(const struct nlmsghdr *nlh,
					   void *arg),
				void *arg, struct genl_reply *rep)
{
	static union {
		struct nlmsghdr nlh;
		unsigned char bytes[GENL_RSP_SIZE];
	} rsp;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n;

	memset(rep, 0, sizeof(*rep));
	rep->req = req;
	/* Armed for the sendto() alone: it is where the kernel does the work. */
	if (g->fail_nth)
		fail_nth_arm();
	n = sendto(g->fd, req, req->nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel));
	if (g->fail_nth)
		fail_nth_disarm();
	if (n < 0)
		genl_fail(g, "sendto");

	for (;;) {
		struct nlmsghdr *nlh;
		int data = 0;

		n = recv(g->fd, rsp.bytes, sizeof(rsp), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			genl_fail(g, "recv");
		}
		for (nlh = &rsp.nlh; NLMSG_OK(nlh, n);
		     nlh = NLMSG_NEXT(nlh, n)) {
			if (nlh->nlmsg_seq != req->nlmsg_seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR)
				return genl_parse_ack(nlh, rep);
			if (nlh->nlmsg_type == NLMSG_DONE) {
				if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&rep->error, NLMSG_DATA(nlh),
					       sizeof(int));
				rep->done = 1;
				return rep->error;
			}
			data = 1;
			if (cb)
				cb(nlh, arg);
		}
		if (data)
			rep->reads++;
	}
}

static inline void genl_family_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *nla = genl_find_attr(nlh, CTRL_ATTR_FAMILY_ID);

	if (nla && nla_len(nla) >= 2)
		memcpy(arg, nla_data(nla), 2);
}

/* The id of family @name, or 0 if there is none; @rep says why. */
static inline u16 genl_family(struct genl *g, const char *name,
			      struct genl_reply *rep)
{
	/* It answers @rep->req, so it outlives the call. */
	static union {
		struct nlmsghdr nlh;
		unsigned char bytes[NLMSG_SPACE(GENL_HDRLEN +
						NLA_HDRLEN + GENL_NAMSIZ)];
	} ctl;
	u16 id = 0;

	memset(rep, 0, sizeof(*rep));
	genl_msg_init(&ctl, sizeof(ctl), GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY,
		      1);
	if (genl_put_str(&ctl.nlh, sizeof(ctl), CTRL_ATTR_FAMILY_NAME, name) ||
	    genl_transact(g, &ctl.nlh, genl_family_cb, &id, rep))
		return 0;
	return id;
}

#endif /* _VDPA_TEST_GENL_H */
