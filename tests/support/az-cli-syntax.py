"""Parses Azure CLI commands with the Azure CLI's own parser, and stops there.

Reads a JSON list of argument lists (what follows `az`) on stdin, writes a JSON list of
{"code": exit status, "parsed": whether the parser accepted it, "stderr": what the CLI wrote}
in the same order. The CLI loads the command's module, builds its arguments from the module's
own registrations and the signature of the function behind it, and parses with argparse; its
invoker then raises knack's EVENT_INVOKER_POST_PARSE_ARGS, where this stops it (an exception
that is not an Exception, so knack's handler lets it through) before any validator, login or
request. An unknown option, a missing required argument or a value outside an option's choices
ends in the parser's error instead (exit 2).
"""

import contextlib
import io
import json
import sys

from azure.cli.core import get_default_cli
from knack.events import EVENT_INVOKER_POST_PARSE_ARGS


class Parsed(BaseException):
    """The command got past the parser."""


def stop(_cli, **_kwargs):
    raise Parsed()


def main() -> None:
    results = []
    # One stream for every command, emptied before each: knack's log handlers keep the stderr
    # they found when the first command configured them.
    stderr = io.StringIO()
    for args in json.load(sys.stdin):
        stderr.seek(0)
        stderr.truncate()
        parsed = False
        code = 0
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            cli = get_default_cli()
            cli.register_event(EVENT_INVOKER_POST_PARSE_ARGS, stop)
            try:
                code = cli.invoke(args)
            except Parsed:
                parsed = True
            except SystemExit as exit:
                code = exit.code
        results.append({"code": code, "parsed": parsed, "stderr": stderr.getvalue().strip()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
