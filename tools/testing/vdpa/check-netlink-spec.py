#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the vdpa netlink spec, the uapi header and the kernel's
policies say the same thing.

  check-netlink-spec.py [--schema genetlink-legacy.yaml]

The spec (Documentation/netlink/specs/vdpa.yaml) is the description other
clients are generated from; include/uapi/linux/vdpa.h is the ABI iproute2
was built against; drivers/vdpa/netlink.c holds the policies the kernel
enforces. Any drift between them is a bug in one of the three. Prints KTAP.
"""

import argparse
import os
import re
import sys

import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/vdpa.yaml")
UAPI = os.path.join(TOP, "include/uapi/linux/vdpa.h")
NETLINK_C = os.path.join(TOP, "drivers/vdpa/netlink.c")

NLA_TYPES = {"u8": "NLA_U8", "u16": "NLA_U16", "u32": "NLA_U32",
             "u64": "NLA_U64", "string": "NLA_NUL_STRING",
             "binary": "NLA_BINARY"}


def c_name(prefix, name):
    return (prefix + name).upper().replace("-", "_")


def uapi_enum(text, enum):
    """Return {name: value} of a C enum, honouring explicit '= OTHER'."""
    body = re.search(r"enum %s \{(.*?)\};" % enum, text, re.S).group(1)
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    values, nxt = {}, 0
    for item in filter(None, (i.strip() for i in body.split(","))):
        name, _, alias = (p.strip() for p in item.partition("="))
        if alias:
            values[name] = values[alias]
            continue
        values[name] = nxt
        nxt += 1
    return values


def c_policies(text):
    """Return {policy name: {attr: policy text}} from netlink.c."""
    macros = dict(re.findall(r"#define (VDPA_NL_\w+_POLICY) (.*)", text))
    out = {}
    for name, body in re.findall(
            r"static const struct nla_policy (\w+)\[\] = \{(.*?)\n\};",
            text, re.S):
        attrs = {}
        for attr, pol in re.findall(r"\[(VDPA_ATTR_\w+)\] = ([^\n]*),\n",
                                    body + "\n"):
            attrs[attr] = macros.get(pol, pol)
        out[name] = attrs
    return out


def c_ops(text):
    """Return {command: {'do': (policy, flags), 'dump': True}}."""
    ops = {}
    for cmd, policy, flags in re.findall(
            r"VDPA_NL_DO\((VDPA_CMD_\w+),\s*\w+,\s*(\w+),\s*(\w+)\)", text):
        ops.setdefault(cmd, {})["do"] = (policy, flags)
    for cmd in re.findall(r"VDPA_NL_DUMP\((VDPA_CMD_\w+),", text):
        ops.setdefault(cmd, {})["dump"] = True
    return ops


def expected_policy(attr):
    """What the C policy of a spec attribute must contain."""
    checks = attr.get("checks", {})
    if "exact-len" in checks:
        return "NLA_POLICY_ETH_ADDR" if checks["exact-len"] == 6 else None
    if attr["type"] == "string" and "max-len" in checks:
        return "{ .type = NLA_NUL_STRING, .len = VDPA_NL_NAME_MAX }"
    if "min" in checks:
        return None  # checked separately: the bound may be a named constant
    return "{ .type = %s }" % NLA_TYPES[attr["type"]]


class Ktap:
    def __init__(self):
        self.results = []

    def check(self, name, problems):
        self.results.append((name, problems))

    def finish(self):
        print("KTAP version 1")
        print("1..%d" % len(self.results))
        failed = 0
        for i, (name, problems) in enumerate(self.results, 1):
            for p in problems:
                print("# " + p)
            print("%sok %d %s" % ("not " if problems else "", i, name))
            failed += bool(problems)
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--schema", help="genetlink-legacy.yaml to validate against")
    args = ap.parse_args()

    spec = yaml.safe_load(open(SPEC))
    uapi = open(UAPI).read()
    ctext = open(NETLINK_C).read()
    t = Ktap()

    if args.schema:
        import jsonschema
        schema = yaml.safe_load(open(args.schema))
        try:
            jsonschema.validate(spec, schema)
            t.check("spec_matches_ynl_schema", [])
        except jsonschema.ValidationError as e:
            t.check("spec_matches_ynl_schema", [str(e).splitlines()[0]])

    aset = spec["attribute-sets"][0]
    attrs = {a["name"]: a for a in aset["attributes"]}
    enum = uapi_enum(uapi, "vdpa_attr")
    problems, nxt = [], 0
    for a in aset["attributes"]:
        nxt = a.get("value", nxt)
        cname = c_name(aset["name-prefix"], a["name"])
        if enum.get(cname) != nxt:
            problems.append("%s: spec %d, uapi %s" % (cname, nxt, enum.get(cname)))
        nxt += 1
    if enum.get("VDPA_ATTR_MAX") != nxt:
        problems.append("VDPA_ATTR_MAX: spec %d, uapi %s" % (nxt, enum.get("VDPA_ATTR_MAX")))
    t.check("attribute_numbers_match_uapi", problems)

    ops = spec["operations"]
    cmds = uapi_enum(uapi, "vdpa_command")
    problems, nxt = [], 0
    for op in ops["list"]:
        nxt = op.get("value", nxt)
        cname = c_name(ops["name-prefix"], op["name"])
        if cmds.get(cname) != nxt:
            problems.append("%s: spec %d, uapi %s" % (cname, nxt, cmds.get(cname)))
        nxt += 1
    t.check("command_numbers_match_uapi", problems)

    policies = c_policies(ctext)
    cops = c_ops(ctext)
    problems = []
    for op in ops["list"]:
        cname = c_name(ops["name-prefix"], op["name"])
        have = cops.get(cname, {})
        if "do" in op:
            if "do" not in have:
                problems.append("%s: spec has do, kernel has none" % cname)
                continue
            policy, flags = have["do"]
            admin = "admin-perm" in op.get("flags", [])
            if admin != ("GENL_ADMIN_PERM" in flags):
                problems.append("%s: admin-perm differs" % cname)
            want = {c_name(aset["name-prefix"], n)
                    for n in op["do"]["request"]["attributes"]}
            got = set(policies.get(policy, {}))
            if want != got:
                problems.append("%s: request attrs spec-only %s kernel-only %s"
                                % (cname, sorted(want - got), sorted(got - want)))
            for n in op["do"]["request"]["attributes"]:
                a = attrs[n]
                pol = policies.get(policy, {}).get(c_name(aset["name-prefix"], n), "")
                exp = expected_policy(a)
                if exp and pol != exp:
                    problems.append("%s %s: policy %r, spec wants %r" % (cname, n, pol, exp))
                if "min" in a.get("checks", {}) and "NLA_POLICY_MIN" not in pol:
                    problems.append("%s %s: spec has a minimum, policy %r" % (cname, n, pol))
        elif "do" in have:
            problems.append("%s: kernel has do, spec has none" % cname)
        if ("dump" in op) != ("dump" in have):
            problems.append("%s: dump differs" % cname)
    t.check("policies_match_spec", problems)

    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
