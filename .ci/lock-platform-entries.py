#!/usr/bin/env python3
# Usage: python3 .ci/lock-platform-entries.py package-lock.json  (run after every npm install that changes the lock).
# Adds lockfile entries for platform-specific optional packages that the registry mirror here does
# not serve; npm skips them by os/cpu at install time, so they are never fetched.
import json, re, sys
path = sys.argv[1]
lock = json.load(open(path))
pkgs = lock["packages"]
OS = {"android":"android","darwin":"darwin","freebsd":"freebsd","linux":"linux","openbsd":"openbsd","openharmony":"openharmony","win32":"win32"}
CPU = {"arm":"arm","arm64":"arm64","x64":"x64","ia32":"ia32","loong64":"loong64","ppc64":"ppc64","riscv64":"riscv64","s390x":"s390x"}
added = []
for key, meta in list(pkgs.items()):
    for dep, ver in (meta.get("optionalDependencies") or {}).items():
        if f"node_modules/{dep}" in pkgs: continue
        m = re.match(r"@rollup/rollup-([a-z0-9]+)-([a-z0-9]+)(?:-(gnu|musl|gnueabihf|musleabihf|eabi|msvc))?$", dep)
        if not m: print("unknown optional dep", dep); continue
        os_, cpu, abi = m.groups()
        entry = {"version": ver, "cpu": [CPU[cpu]], "dev": meta.get("dev", False), "license": "MIT", "optional": True, "os": [OS[os_]]}
        if abi in ("gnu", "gnueabihf"): entry["libc"] = ["glibc"]
        if abi in ("musl", "musleabihf"): entry["libc"] = ["musl"]
        if not entry["dev"]: del entry["dev"]
        pkgs[f"node_modules/{dep}"] = dict(sorted(entry.items()))
        added.append(dep)
lock["packages"] = dict(sorted(pkgs.items(), key=lambda kv: (kv[0] != "", kv[0])))
json.dump(lock, open(path, "w"), indent=2); open(path, "a").write("\n")
print("added", len(added))
