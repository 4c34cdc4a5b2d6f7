#!/usr/bin/env python3
"""Run a command on a pseudo-terminal, answer its prompts, and report what happened as JSON.

usage: pty-run.py STEPS_JSON TIMEOUT_SECONDS -- COMMAND [ARG...]

STEPS_JSON is a list of {"expect": regex, "send": keystrokes}: each regex is searched in the
ANSI-stripped output after the previous match; when it matches and the output has gone quiet,
the keystrokes are written to the terminal. After the last step the driver reads until the command exits. It prints one JSON
object: {"status", "signal", "raw", "text", "timedOut", "failedStep"}.
"""
import json
import os
import pty
import re
import select
import signal
import sys
import time

# Before typing, the output must have been quiet this long (a prompt draws itself in one burst of
# writes), but no longer than SETTLE in all: a fixed pause of 0.15 s per answer was most of the
# prompt tests' wall time.
QUIET = 0.04
SETTLE = 0.5

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>78]")


def main() -> None:
    steps = json.loads(sys.argv[1])
    deadline = time.monotonic() + float(sys.argv[2])
    command = sys.argv[sys.argv.index("--") + 1 :]

    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)

    raw = b""
    eof = False

    def read(timeout: float) -> None:
        nonlocal raw, eof
        ready, _, _ = select.select([fd], [], [], timeout)
        if not ready:
            return
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if data:
            raw += data
        else:
            eof = True

    def settle() -> None:
        """Waits until the prompt has finished drawing: no output for QUIET seconds (at most SETTLE)."""
        until = time.monotonic() + SETTLE
        while not eof and time.monotonic() < until:
            before = len(raw)
            read(QUIET)
            if len(raw) == before:
                return

    position = 0
    failed = None
    for step in steps:
        pattern = re.compile(step["expect"])
        while True:
            text = ANSI.sub("", raw.decode("utf-8", "replace"))
            match = pattern.search(text, position)
            if match:
                position = match.end()
                break
            if eof or time.monotonic() > deadline:
                failed = step["expect"]
                break
            read(0.05)
        if failed:
            break
        settle()
        os.write(fd, step["send"].encode("utf-8"))

    while not eof and time.monotonic() < deadline:
        read(0.05)

    timed_out = not eof
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    text = ANSI.sub("", raw.decode("utf-8", "replace"))
    print(
        json.dumps(
            {
                "status": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                "raw": raw.decode("utf-8", "replace"),
                "text": text,
                "timedOut": timed_out,
                "failedStep": failed,
            }
        )
    )


if __name__ == "__main__":
    main()
