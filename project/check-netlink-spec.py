#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the vdpa netlink spec, the uapi header and the kernel say the
same thing.

  check-netlink-spec.py [--schema genetlink-legacy.yaml] [--gen netlink-gen.sh]

The spec (Documentation/netlink/specs/vdpa.yaml) is the description other
clients are generated from, and the kernel's policies and split ops too
(drivers/vdpa/vdpa_nl_gen.[ch], by the kernel's YNL generator);
include/uapi/linux/vdpa.h is the ABI iproute2 was built against. Checked
here: the spec against YNL's schema, its numbers against the uapi header,
the generated files against what the spec generates today, and what
generation cannot see: every attribute netlink.c puts in a reply is in a
reply of the spec. Prints KTAP.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import yaml

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
SPEC = os.path.join(TOP, "Documentation/netlink/specs/vdpa.yaml")
UAPI = os.path.join(TOP, "include/uapi/linux/vdpa.h")
NETLINK_C = os.path.join(TOP, "drivers/vdpa/netlink.c")


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


def kernel_puts(text):
    """Attributes the kernel puts into replies itself (nla_put*)."""
    return set(re.findall(r"nla_put\w*\(\s*[\w>.-]+,\s*(VDPA_ATTR_\w+)", text))


def spec_replies(spec, prefix):
    """Attributes some reply of the spec lists."""
    out = set()
    for op in spec["operations"]["list"]:
        for kind in ("do", "dump"):
            reply = op.get(kind, {}).get("reply") or {}
            out |= {c_name(prefix, n) for n in reply.get("attributes", [])}
    return out


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
    ap.add_argument("--gen", help="netlink-gen.sh, to regenerate the policies")
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

    # Policies and split ops are generated from the spec (vdpa_nl_gen.c):
    # what is committed must be what the spec gives today.
    if args.gen:
        problems = []
        with tempfile.TemporaryDirectory() as tmp:
            res = subprocess.run([args.gen, tmp], stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
            if res.returncode:
                problems.append("netlink-gen.sh failed: %s"
                                % res.stdout.decode().strip()[-300:])
            for name in ("vdpa_nl_gen.c", "vdpa_nl_gen.h"):
                new = os.path.join(tmp, name)
                old = os.path.join(TOP, "drivers/vdpa", name)
                if not res.returncode and open(new).read() != open(old).read():
                    problems.append("drivers/vdpa/%s differs from what the "
                                    "spec generates: run "
                                    "project/netlink-gen.sh" % name)
        t.check("generated_policies_are_current", problems)

    # What generation cannot see: replies are filled by hand.
    prefix = aset["name-prefix"]
    missing = kernel_puts(ctext) - spec_replies(spec, prefix)
    t.check("reply_attributes_in_spec",
            ["%s: put in a reply, in no reply of the spec" % a
             for a in sorted(missing)])

    return t.finish()


if __name__ == "__main__":
    sys.exit(main())
