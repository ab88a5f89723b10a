// SPDX-License-Identifier: GPL-2.0
/*
 * jsonget: validate JSON on stdin and print the value at a key path.
 *
 *   vdpa -j mgmtdev show | jsonget mgmtdev vdpasim_net max_supported_vqs
 *
 * Each argument is one object key (or a decimal array index). Prints a
 * string without quotes, a number or literal as is, an array one element
 * per line, an object one key per line. With no argument, only validates.
 * Exit status: 0 found, 1 no such path, 2 invalid JSON or usage.
 *
 * The guest has no python or jq; the tests need exact answers from
 * `vdpa -j`, not greps of the pretty output.
 */

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *base, *p, *end;
static char **keys;
static int nkeys;

static bool found;
static const char *found_start, *found_end;
static char found_type;			/* one of "s n o a" */
/* The target's members: as many as it has (100,000 devices in a dump). */
struct item {
	const char *start, *end;
};

static struct item *items;
static int nitems, items_cap;

static void bad(const char *why)
{
	fprintf(stderr, "jsonget: invalid JSON at offset %ld: %s\n",
		(long)(p - base), why);
	exit(2);
}

static void ws(void)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
}

/* Decode the body [s, e) of a valid JSON string into out. */
static size_t unescape(const char *s, const char *e, char *out)
{
	size_t n = 0;

	while (s < e) {
		char c = *s++;

		if (c == '\\') {
			c = *s++;
			switch (c) {
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u': {
				unsigned int u = strtoul((char[]){ s[0], s[1],
						s[2], s[3], 0 }, NULL, 16);

				s += 4;
				if (u < 0x80) {
					c = u;
				} else if (u < 0x800) {
					out[n++] = 0xc0 | (u >> 6);
					c = 0x80 | (u & 0x3f);
				} else {
					out[n++] = 0xe0 | (u >> 12);
					out[n++] = 0x80 | ((u >> 6) & 0x3f);
					c = 0x80 | (u & 0x3f);
				}
				break;
			}
			default:	/* \" \\ \/ stand for themselves */
				break;
			}
		}
		out[n++] = c;
	}
	out[n] = '\0';
	return n;
}

/* Parse a string; returns its decoded body (malloc'd). */
static char *string(void)
{
	const char *s;
	char *out;

	if (*p != '"')
		bad("'\"' expected");
	s = ++p;
	while (p < end && *p != '"') {
		if ((unsigned char)*p < 0x20)
			bad("raw control character");
		if (*p == '\\') {
			p++;
			if (p >= end || !strchr("\"\\/bfnrtu", *p))
				bad("bad escape");
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (p + i >= end ||
					    !strchr("0123456789abcdefABCDEF",
						    p[i]))
						bad("bad \\u escape");
				p += 4;
			}
		}
		p++;
	}
	if (p >= end)
		bad("no closing quote");
	out = malloc(p - s + 1);
	unescape(s, p, out);
	p++;
	return out;
}

static void number(void)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		bad("malformed numeral");
	if (p < end && *p == '.') {
		p++;
		if (p >= end || *p < '0' || *p > '9')
			bad("bad fraction");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p >= end || *p < '0' || *p > '9')
			bad("bad exponent");
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p == s)
		bad("nothing JSON can start with");
}

static void add_item(const char *start, const char *end)
{
	if (nitems == items_cap) {
		items_cap = items_cap ? 2 * items_cap : 64;
		items = realloc(items, items_cap * sizeof(*items));
		if (!items) {
			fputs("jsonget: out of memory\n", stderr);
			exit(2);
		}
	}
	items[nitems].start = start;
	items[nitems].end = end;
	nitems++;
}

/*
 * Parse one value. on_path: every key so far matched; depth: how many.
 * The value at depth == nkeys on the path is the answer.
 */
static void value(bool on_path, int depth)
{
	bool target = on_path && depth == nkeys;
	const char *start;

	ws();
	if (p >= end)
		bad("nothing JSON can start with");
	start = p;
	if (*p == '{' || *p == '[') {
		bool obj = *p == '{';
		int idx = 0;

		p++;
		ws();
		if (p < end && *p == (obj ? '}' : ']')) {
			p++;
			goto done;
		}
		for (;;) {
			bool child = false;
			const char *kstart = NULL, *kend = NULL, *vstart;

			ws();
			if (obj) {
				char *k;

				kstart = p;
				k = string();
				kend = p;
				child = on_path && depth < nkeys &&
					!strcmp(k, keys[depth]);
				free(k);
				ws();
				if (p >= end || *p++ != ':')
					bad("':' expected");
			} else {
				char *e;

				child = on_path && depth < nkeys &&
					strtol(keys[depth], &e, 10) == idx &&
					!*e && *keys[depth];
			}
			ws();
			vstart = p;
			value(child, depth + 1);
			if (target)
				add_item(obj ? kstart : vstart, obj ? kend : p);
			idx++;
			ws();
			if (p < end && *p == ',') {
				p++;
				continue;
			}
			if (p < end && *p == (obj ? '}' : ']')) {
				p++;
				break;
			}
			bad(obj ? "',' or '}' expected" : "',' or ']' expected");
		}
done:
		if (target)
			found_type = obj ? 'o' : 'a';
	} else if (*p == '"') {
		free(string());
		if (target)
			found_type = 's';
	} else if (!strncmp(p, "true", 4) || !strncmp(p, "null", 4)) {
		p += 4;
		if (target)
			found_type = 'n';
	} else if (!strncmp(p, "false", 5)) {
		p += 5;
		if (target)
			found_type = 'n';
	} else {
		number();
		if (target)
			found_type = 'n';
	}
	if (target) {
		found = true;
		found_start = start;
		found_end = p;
	}
}

/* Print a scalar or string value [s, e) the way a shell script wants it. */
static void print_value(const char *s, const char *e)
{
	if (*s == '"') {
		char *out = malloc(e - s);

		unescape(s + 1, e - 1, out);
		puts(out);
		free(out);
	} else {
		printf("%.*s\n", (int)(e - s), s);
	}
}

int main(int argc, char *argv[])
{
	size_t cap = 1 << 16, len = 0, n;
	char *buf = malloc(cap + 1);
	int i;

	keys = argv + 1;
	nkeys = argc - 1;
	while ((n = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += n;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, cap + 1);
		}
	}
	buf[len] = '\0';
	base = buf;
	p = buf;
	end = buf + len;

	value(true, 0);
	ws();
	if (p != end)
		bad("trailing data");
	if (!found)
		return 1;
	if (!nkeys)
		return 0;

	switch (found_type) {
	case 'o':
		for (i = 0; i < nitems; i++)
			print_value(items[i].start, items[i].end);
		break;
	case 'a':
		for (i = 0; i < nitems; i++) {
			const char *s = items[i].start, *e = items[i].end;

			while (e > s && strchr(" \t\r\n", e[-1]))
				e--;
			print_value(s, e);
		}
		break;
	default:
		print_value(found_start, found_end);
	}
	return 0;
}
