"""Stand-in for `python -m venv DIR` in the Docker tests' base image (see ./python). Debian's
python3 lacks ensurepip, and PyPI is unreachable, so the venv is created without pip and with
access to the image's (Debian) site-packages, and gets the pip stand-in as its bin/pip."""
import os
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ("--upgrade-deps", "--without-pip")]
dirs = [a for a in args if not a.startswith("-")]
if len(dirs) != 1:
    sys.exit(f"venv stand-in: expected one directory, got {sys.argv[1:]}")
subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--system-site-packages", *args], check=True)
pip = os.path.join(dirs[0], "bin", "pip")
with open("/usr/local/bin/pip", encoding="utf-8") as f:
    body = f.read().split("\n", 1)[1]
with open(pip, "w", encoding="utf-8") as f:
    f.write(f"#!{os.path.abspath(os.path.join(dirs[0], 'bin', 'python'))}\n{body}")
os.chmod(pip, 0o755)
