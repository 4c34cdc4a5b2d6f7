"""Lists the locked distributions that have no wheel for a platform the images run on.

Usage: python wheel-coverage.py UV_LOCK TARGETS_JSON < EXPORT
  UV_LOCK       the uv.lock whose wheel files are checked
  TARGETS_JSON  [{"python": "3.12", "machine": "x86_64", "glibc": [2, 41]}, ...]
  EXPORT        `uv export --no-hashes` of the same project: every locked distribution with
                the marker that says where it is installed
Prints one line per distribution and target without a wheel; nothing when all are covered.
A distribution whose marker excludes a target (colorama on Windows only) is not needed there.
"""

import json
import sys
import tomllib

from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename


def platforms(machine, glibc):
    """The manylinux tags a glibc of that version accepts, newest first, with the legacy aliases."""
    major, newest = glibc
    tags = [f"manylinux_{major}_{minor}_{machine}" for minor in range(newest, 4, -1)]
    if newest >= 17:
        tags.append(f"manylinux2014_{machine}")
    if machine == "x86_64":
        tags += ["manylinux2010_x86_64", "manylinux1_x86_64"]
    return tags


def supported_tags(target):
    version = tuple(int(part) for part in target["python"].split("."))
    plats = platforms(target["machine"], target["glibc"])
    return set(cpython_tags(version, platforms=plats)) | set(compatible_tags(version, platforms=plats))


def environment(target):
    return {
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "platform_machine": target["machine"],
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "python_version": target["python"],
        "python_full_version": target["python"] + ".0",
    }


def main():
    lock_path, targets_json = sys.argv[1:3]
    targets = json.loads(targets_json)
    with open(lock_path, "rb") as f:
        lock = tomllib.load(f)
    wheels = {}
    for package in lock["package"]:
        names = [w["url"].rsplit("/", 1)[-1] for w in package.get("wheels", [])]
        wheels[(canonicalize_name(package["name"]), package.get("version"))] = names
    problems = []
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-"):
            continue
        requirement = Requirement(line)
        version = str(requirement.specifier).removeprefix("==")
        files = wheels.get((canonicalize_name(requirement.name), version), [])
        tags = [tag for name in files for tag in parse_wheel_filename(name)[3]]
        for target in targets:
            if requirement.marker and not requirement.marker.evaluate(environment(target)):
                continue
            if not supported_tags(target).intersection(tags):
                problems.append(f"{requirement.name}=={version}: Python {target['python']} on Linux {target['machine']}")
    print("\n".join(problems))


main()
