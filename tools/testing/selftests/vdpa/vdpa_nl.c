// SPDX-License-Identifier: GPL-2.0
/*
 * vdpa_nl: a tiny client of the "vdpa" generic netlink family, for tests.
 *
 * iproute2's vdpa tool only sends well-formed requests, and the one in
 * Debian 12 (6.1) knows no DEV_ATTR_SET. This tool fills both gaps: a few
 * friendly commands, and a raw mode that sends whatever attributes it is
 * told to, with whatever type and length, so tests can probe the kernel's
 * validation and read back its extack message.
 *
 * libc only, so it links statically into the test initramfs.
 *
 * VDPA_FAIL_NTH=N makes the N-th fault-injection point of the request
 * fail (see fail_nth.h), for the fault-injection test.
 *
 * Output: attributes of every reply as "name value" lines on stdout, exit 0;
 * on a kernel error "error: <strerror> (errno N): <extack message>" on
 * stderr, exit 1; on a usage error a message on stderr, exit 2.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <linux/vdpa.h>

#include "genl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Requests stay small; replies may carry a full dump page (genl.h). */
#define REQ_SIZE 8192

enum val_type {
	T_NONE,
	T_U8,
	T_U16,
	T_U32,
	T_U64,
	T_X64,		/* u64 printed in hex: feature and class bitmaps */
	T_STR,
	T_MAC,
};

struct attr_desc {
	const char *name;
	enum val_type type;
};

/* Indexed by the uapi numbers, so the header stays the only source of them. */
static const struct attr_desc attrs[VDPA_ATTR_MAX] = {
	[VDPA_ATTR_MGMTDEV_BUS_NAME] = { "mgmtdev_bus_name", T_STR },
	[VDPA_ATTR_MGMTDEV_DEV_NAME] = { "mgmtdev_dev_name", T_STR },
	[VDPA_ATTR_MGMTDEV_SUPPORTED_CLASSES] = { "mgmtdev_supported_classes",
						  T_X64 },
	[VDPA_ATTR_DEV_NAME] = { "dev_name", T_STR },
	[VDPA_ATTR_DEV_ID] = { "dev_id", T_U32 },
	[VDPA_ATTR_DEV_VENDOR_ID] = { "dev_vendor_id", T_U32 },
	[VDPA_ATTR_DEV_MAX_VQS] = { "dev_max_vqs", T_U32 },
	[VDPA_ATTR_DEV_MAX_VQ_SIZE] = { "dev_max_vq_size", T_U16 },
	[VDPA_ATTR_DEV_MIN_VQ_SIZE] = { "dev_min_vq_size", T_U16 },
	[VDPA_ATTR_DEV_NET_CFG_MACADDR] = { "dev_net_cfg_macaddr", T_MAC },
	[VDPA_ATTR_DEV_NET_STATUS] = { "dev_net_status", T_U8 },
	[VDPA_ATTR_DEV_NET_CFG_MAX_VQP] = { "dev_net_cfg_max_vqp", T_U16 },
	[VDPA_ATTR_DEV_NET_CFG_MTU] = { "dev_net_cfg_mtu", T_U16 },
	[VDPA_ATTR_DEV_NEGOTIATED_FEATURES] = { "dev_negotiated_features",
						T_X64 },
	[VDPA_ATTR_DEV_MGMTDEV_MAX_VQS] = { "dev_mgmtdev_max_vqs", T_U32 },
	[VDPA_ATTR_DEV_SUPPORTED_FEATURES] = { "dev_supported_features",
					       T_X64 },
	[VDPA_ATTR_DEV_QUEUE_INDEX] = { "dev_queue_index", T_U32 },
	[VDPA_ATTR_DEV_VENDOR_ATTR_NAME] = { "dev_vendor_attr_name", T_STR },
	[VDPA_ATTR_DEV_VENDOR_ATTR_VALUE] = { "dev_vendor_attr_value", T_U64 },
	[VDPA_ATTR_DEV_FEATURES] = { "dev_features", T_X64 },
	[VDPA_ATTR_DEV_BLK_CFG_CAPACITY] = { "dev_blk_cfg_capacity", T_U64 },
	[VDPA_ATTR_DEV_BLK_CFG_SIZE_MAX] = { "dev_blk_cfg_size_max", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_BLK_SIZE] = { "dev_blk_cfg_blk_size", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_SEG_MAX] = { "dev_blk_cfg_seg_max", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_NUM_QUEUES] = { "dev_blk_cfg_num_queues",
					       T_U16 },
	[VDPA_ATTR_DEV_BLK_CFG_PHY_BLK_EXP] = { "dev_blk_cfg_phy_blk_exp",
						T_U8 },
	[VDPA_ATTR_DEV_BLK_CFG_ALIGN_OFFSET] = { "dev_blk_cfg_align_offset",
						 T_U8 },
	[VDPA_ATTR_DEV_BLK_CFG_MIN_IO_SIZE] = { "dev_blk_cfg_min_io_size",
						T_U16 },
	[VDPA_ATTR_DEV_BLK_CFG_OPT_IO_SIZE] = { "dev_blk_cfg_opt_io_size",
						T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEC] = {
		"dev_blk_cfg_max_discard_sec", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_MAX_DISCARD_SEG] = {
		"dev_blk_cfg_max_discard_seg", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_DISCARD_SEC_ALIGN] = {
		"dev_blk_cfg_discard_sec_align", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEC] = {
		"dev_blk_cfg_max_write_zeroes_sec", T_U32 },
	[VDPA_ATTR_DEV_BLK_CFG_MAX_WRITE_ZEROES_SEG] = {
		"dev_blk_cfg_max_write_zeroes_seg", T_U32 },
	[VDPA_ATTR_DEV_BLK_READ_ONLY] = { "dev_blk_read_only", T_U8 },
	[VDPA_ATTR_DEV_BLK_FLUSH] = { "dev_blk_flush", T_U8 },
};

static const char * const cmds[] = {
	[VDPA_CMD_MGMTDEV_NEW] = "mgmtdev_new",
	[VDPA_CMD_MGMTDEV_GET] = "mgmtdev_get",
	[VDPA_CMD_DEV_NEW] = "dev_new",
	[VDPA_CMD_DEV_DEL] = "dev_del",
	[VDPA_CMD_DEV_GET] = "dev_get",
	[VDPA_CMD_DEV_CONFIG_GET] = "dev_config_get",
	[VDPA_CMD_DEV_VSTATS_GET] = "dev_vstats_get",
	[VDPA_CMD_DEV_ATTR_SET] = "dev_attr_set",
};

/* The one request, under construction. */
union req {
	struct nlmsghdr nlh;
	unsigned char bytes[REQ_SIZE];
};

static noreturn void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vdpa_nl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static noreturn void sys_error(const char *what)
{
	fprintf(stderr, "vdpa_nl: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The family goes in once resolved: bad usage should not need a kernel. */
static void msg_init(union req *r, u16 flags, u8 cmd)
{
	genl_msg_init(r, sizeof(*r), 0, flags, cmd, VDPA_GENL_VERSION);
}

static void put_attr(union req *r, u16 type, const void *data, size_t len)
{
	if (genl_put_attr(&r->nlh, sizeof(*r), type, data, len))
		usage_error("request too large");
}

static void put_str(union req *r, u16 type, const char *s)
{
	put_attr(r, type, s, strlen(s) + 1);
}

static void put_uint(union req *r, u16 type, enum val_type t,
		     unsigned long long v)
{
	u8 v8 = v;
	u16 v16 = v;
	u32 v32 = v;
	u64 v64 = v;

	switch (t) {
	case T_U8:
		put_attr(r, type, &v8, sizeof(v8));
		break;
	case T_U16:
		put_attr(r, type, &v16, sizeof(v16));
		break;
	case T_U32:
		put_attr(r, type, &v32, sizeof(v32));
		break;
	default:
		put_attr(r, type, &v64, sizeof(v64));
		break;
	}
}

static unsigned long long parse_uint(const char *s, unsigned long long max)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end || *s == '-' || v > max)
		usage_error("bad number '%s' (at most %llu)", s, max);
	return v;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Hex bytes, optionally separated by ':' (so a MAC parses too); returns the
 * byte count, which may be anything, 0 included, on purpose.
 */
static size_t parse_hex(const char *s, unsigned char *out, size_t max)
{
	size_t n = 0;

	while (*s) {
		int hi, lo;

		if (*s == ':') {
			s++;
			continue;
		}
		hi = hexval(s[0]);
		lo = hi < 0 ? -1 : hexval(s[1]);
		if (lo < 0)
			usage_error("bad hex near '%s'", s);
		if (n == max)
			usage_error("hex value too long");
		out[n++] = hi << 4 | lo;
		s += 2;
	}
	return n;
}

static void parse_mac(const char *s, unsigned char mac[6])
{
	unsigned char tmp[64];

	if (parse_hex(s, tmp, sizeof(tmp)) != 6 || strlen(s) != 17)
		usage_error("bad MAC '%s' (want xx:xx:xx:xx:xx:xx)", s);
	memcpy(mac, tmp, 6);
}

/* An attribute by number or by name. */
static u16 parse_attr_type(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		if (attrs[i].name && !strcmp(attrs[i].name, s))
			return i;
	return parse_uint(s, UINT16_MAX);
}

static u8 parse_cmd(const char *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (cmds[i] && !strcmp(cmds[i], s))
			return i;
	return parse_uint(s, UINT8_MAX);
}

/*
 * "<attr>:<type>:<value>", the raw mode's way to say exactly what goes on
 * the wire. Types: u8 u16 u32 u64, str (NUL terminated), nstr (no NUL),
 * strn=<len> (<value> repeated to <len> characters, then NUL), hex (any
 * number of bytes), flag (no payload, value ignored).
 */
static void put_raw(union req *r, const char *spec)
{
	static unsigned char bin[REQ_SIZE];
	char *copy = strdup(spec), *type_s, *val;
	u16 type;

	if (!copy)
		sys_error("strdup");
	type_s = strchr(copy, ':');
	val = type_s ? strchr(type_s + 1, ':') : NULL;
	if (!val)
		usage_error("bad attribute '%s' (want attr:type:value)", spec);
	*type_s++ = '\0';
	*val++ = '\0';
	type = parse_attr_type(copy);

	if (!strcmp(type_s, "u8")) {
		put_uint(r, type, T_U8, parse_uint(val, UINT8_MAX));
	} else if (!strcmp(type_s, "u16")) {
		put_uint(r, type, T_U16, parse_uint(val, UINT16_MAX));
	} else if (!strcmp(type_s, "u32")) {
		put_uint(r, type, T_U32, parse_uint(val, UINT32_MAX));
	} else if (!strcmp(type_s, "u64")) {
		put_uint(r, type, T_U64, parse_uint(val, ULLONG_MAX));
	} else if (!strcmp(type_s, "str")) {
		put_str(r, type, val);
	} else if (!strcmp(type_s, "nstr")) {
		put_attr(r, type, val, strlen(val));
	} else if (!strncmp(type_s, "strn=", 5)) {
		size_t len = parse_uint(type_s + 5, sizeof(bin) - 1);
		size_t vlen = strlen(val), i;

		if (!vlen && len)
			usage_error("strn needs a non-empty fill value");
		for (i = 0; i < len; i++)
			bin[i] = val[i % vlen];
		bin[len] = '\0';
		put_attr(r, type, bin, len + 1);
	} else if (!strcmp(type_s, "hex")) {
		put_attr(r, type, bin, parse_hex(val, bin, sizeof(bin)));
	} else if (!strcmp(type_s, "flag")) {
		put_attr(r, type, NULL, 0);
	} else {
		usage_error("unknown attribute type '%s'", type_s);
	}
	free(copy);
}

/* "[bus/]device", the way iproute2 names a management device. */
static void put_mgmtdev(union req *r, const char *name)
{
	const char *slash = strchr(name, '/');
	char bus[256];

	if (slash) {
		if ((size_t)(slash - name) >= sizeof(bus))
			usage_error("bus name too long");
		memcpy(bus, name, slash - name);
		bus[slash - name] = '\0';
		put_str(r, VDPA_ATTR_MGMTDEV_BUS_NAME, bus);
		name = slash + 1;
	}
	put_str(r, VDPA_ATTR_MGMTDEV_DEV_NAME, name);
}

/* Provisioning keywords shared by "add" and "set". */
static void put_provisioning(union req *r, int argc, char **argv)
{
	unsigned char mac[6];
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i], *val;

		if (i + 1 >= argc)
			usage_error("'%s' needs a value", key);
		val = argv[i + 1];
		if (!strcmp(key, "mac")) {
			parse_mac(val, mac);
			put_attr(r, VDPA_ATTR_DEV_NET_CFG_MACADDR, mac, 6);
		} else if (!strcmp(key, "mtu")) {
			put_uint(r, VDPA_ATTR_DEV_NET_CFG_MTU, T_U16,
				 parse_uint(val, UINT16_MAX));
		} else if (!strcmp(key, "max_vqp")) {
			put_uint(r, VDPA_ATTR_DEV_NET_CFG_MAX_VQP, T_U16,
				 parse_uint(val, UINT16_MAX));
		} else if (!strcmp(key, "features")) {
			put_uint(r, VDPA_ATTR_DEV_FEATURES, T_U64,
				 parse_uint(val, ULLONG_MAX));
		} else if (!strcmp(key, "capacity")) {
			put_uint(r, VDPA_ATTR_DEV_BLK_CFG_CAPACITY, T_U64,
				 parse_uint(val, ULLONG_MAX));
		} else {
			usage_error("unknown keyword '%s'", key);
		}
	}
}

static void print_hex(const unsigned char *p, size_t len, char sep)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (i && sep)
			putchar(sep);
		printf("%02x", p[i]);
	}
}

/* Values are printed by their declared type only when the length agrees. */
static void print_attr(const struct nlattr *nla)
{
	const unsigned char *p = (const unsigned char *)nla + NLA_HDRLEN;
	size_t len = nla->nla_len - NLA_HDRLEN;
	u16 type = nla->nla_type & NLA_TYPE_MASK;
	enum val_type t = T_NONE;
	u64 v = 0;

	if (type < ARRAY_SIZE(attrs) && attrs[type].name) {
		t = attrs[type].type;
		printf("%s ", attrs[type].name);
	} else {
		printf("attr%u ", type);
	}

	switch (t) {
	case T_U8:
	case T_U16:
	case T_U32:
	case T_U64:
	case T_X64:
		if (len != 1 && len != 2 && len != 4 && len != 8)
			break;
		memcpy(&v, p, len);	/* little endian, as the ABI is */
		printf(t == T_X64 ? "0x%llx\n" : "%llu\n",
		       (unsigned long long)v);
		return;
	case T_STR:
		if (len && memchr(p, '\0', len)) {
			printf("%s\n", (const char *)p);
			return;
		}
		break;
	case T_MAC:
		if (len == 6) {
			print_hex(p, len, ':');
			putchar('\n');
			return;
		}
		break;
	default:
		break;
	}
	print_hex(p, len, 0);
	printf(len ? "\n" : "-\n");
}

static void print_attrs(const struct nlmsghdr *nlh)
{
	const struct nlattr *nla;
	int rem;

	for (nla = genl_attrs(nlh, &rem); nla_ok(nla, rem);
	     nla = nla_next(nla, &rem))
		print_attr(nla);
}

/* Name the attribute at @off of our own request, for extack offsets. */
static const char *attr_at(const struct nlmsghdr *req, u32 off, u16 *type)
{
	const struct nlattr *nla;

	if (off < NLMSG_LENGTH(GENL_HDRLEN) || off + NLA_HDRLEN > req->nlmsg_len)
		return NULL;
	nla = (const struct nlattr *)((const char *)req + off);
	*type = nla->nla_type & NLA_TYPE_MASK;
	if (*type < ARRAY_SIZE(attrs) && attrs[*type].name)
		return attrs[*type].name;
	return "unknown";
}

/*
 * What the kernel answered: error 0 is the ACK, its message a warning. On
 * an error the message always, the bad or missing attribute as an extra
 * line tests may grep for.
 */
static void report(const struct genl_reply *rep)
{
	const char *name;
	u16 type;

	if (!rep->error) {
		if (rep->msg)
			fprintf(stderr, "warning: %s\n", rep->msg);
		return;
	}

	fprintf(stderr, "error: %s (errno %d)", strerror(-rep->error),
		-rep->error);
	if (rep->msg && *rep->msg)
		fprintf(stderr, ": %s", rep->msg);
	fputc('\n', stderr);
	if (rep->has_offs) {
		name = attr_at(rep->req, rep->offs, &type);
		if (name)
			fprintf(stderr, "bad-attr %s %u\n", name, type);
	}
	if (rep->has_miss) {
		name = rep->miss < ARRAY_SIZE(attrs) && attrs[rep->miss].name ?
		       attrs[rep->miss].name : "unknown";
		fprintf(stderr, "missing-attr %s %u\n", name, rep->miss);
	}
}

static u16 resolve_family(struct genl *g)
{
	struct genl_reply rep;
	u16 id = genl_family(g, VDPA_GENL_NAME, &rep);

	report(&rep);
	if (!id) {
		fprintf(stderr, "vdpa_nl: no generic netlink family '%s'\n",
			VDPA_GENL_NAME);
		exit(1);
	}
	return id;
}

static int blank_between;

static void print_cb(const struct nlmsghdr *nlh, void *arg)
{
	(void)arg;
	/* A dump returns several objects: keep them apart. */
	if (blank_between++)
		putchar('\n');
	print_attrs(nlh);
}

static noreturn void bad_usage(void)
{
	fputs("usage: vdpa_nl get [<dev>]\n"
	      "       vdpa_nl config [<dev>]\n"
	      "       vdpa_nl mgmtdev [[<bus>/]<mgmtdev>]\n"
	      "       vdpa_nl vstats <dev> <queue index>\n"
	      "       vdpa_nl add <dev> [<bus>/]<mgmtdev> [mac <xx:..>] [mtu N]\n"
	      "               [max_vqp N] [features 0x..] [capacity <sectors>]\n"
	      "       vdpa_nl set <dev> [mac <xx:..>] [mtu N] [max_vqp N] ...\n"
	      "       vdpa_nl del <dev>\n"
	      "       vdpa_nl raw [-d] <cmd> [<attr>:<type>:<value>]...\n"
	      "  cmd: number or dev_new, dev_attr_set, ... (uapi names)\n"
	      "  attr: number or name as printed (dev_name, dev_net_cfg_mtu..)\n"
	      "  type: u8 u16 u32 u64 str nstr strn=<len> hex flag\n",
	      stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	static struct genl g = { .sys_error = sys_error, .need_ext_ack = 1 };
	static union req r;
	struct genl_reply rep;
	const char *sub;
	u16 flags = 0;
	u8 cmd;
	int err;
	int i;

	if (argc < 2)
		bad_usage();
	sub = argv[1];

	if (!strcmp(sub, "get") || !strcmp(sub, "config")) {
		cmd = !strcmp(sub, "get") ? VDPA_CMD_DEV_GET :
					    VDPA_CMD_DEV_CONFIG_GET;
		if (argc > 3)
			bad_usage();
		msg_init(&r, argc == 3 ? 0 : NLM_F_DUMP, cmd);
		if (argc == 3)
			put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
	} else if (!strcmp(sub, "mgmtdev")) {
		if (argc > 3)
			bad_usage();
		msg_init(&r, argc == 3 ? 0 : NLM_F_DUMP, VDPA_CMD_MGMTDEV_GET);
		if (argc == 3)
			put_mgmtdev(&r, argv[2]);
	} else if (!strcmp(sub, "vstats")) {
		if (argc != 4)
			bad_usage();
		msg_init(&r, 0, VDPA_CMD_DEV_VSTATS_GET);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
		put_uint(&r, VDPA_ATTR_DEV_QUEUE_INDEX, T_U32,
			 parse_uint(argv[3], UINT32_MAX));
	} else if (!strcmp(sub, "add")) {
		if (argc < 4)
			bad_usage();
		msg_init(&r, 0, VDPA_CMD_DEV_NEW);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
		put_mgmtdev(&r, argv[3]);
		put_provisioning(&r, argc - 4, argv + 4);
	} else if (!strcmp(sub, "set")) {
		if (argc < 3)
			bad_usage();
		msg_init(&r, 0, VDPA_CMD_DEV_ATTR_SET);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
		put_provisioning(&r, argc - 3, argv + 3);
	} else if (!strcmp(sub, "del")) {
		if (argc != 3)
			bad_usage();
		msg_init(&r, 0, VDPA_CMD_DEV_DEL);
		put_str(&r, VDPA_ATTR_DEV_NAME, argv[2]);
	} else if (!strcmp(sub, "raw")) {
		i = 2;
		if (i < argc && !strcmp(argv[i], "-d")) {
			flags = NLM_F_DUMP;
			i++;
		}
		if (i >= argc)
			bad_usage();
		msg_init(&r, flags, parse_cmd(argv[i++]));
		for (; i < argc; i++)
			put_raw(&r, argv[i]);
	} else {
		bad_usage();
	}

	genl_open(&g);
	r.nlh.nlmsg_type = resolve_family(&g);
	/* The fault goes into the request under test, not the lookup. */
	g.fail_nth = 1;
	err = genl_transact(&g, &r.nlh, print_cb, NULL, &rep);
	report(&rep);
	return err ? 1 : 0;
}
