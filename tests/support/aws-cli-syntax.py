"""Runs AWS CLI commands through one AWS CLI driver, for their syntax only.

Reads a JSON list of argument lists (what follows `aws`) on stdin, writes a JSON list of
{"code": exit status, "stderr": what the CLI wrote} in the same order. One driver in one
process for all of them: a process per command costs about a second of start-up each, and the
driver keeps no state from one main() to the next that bears on parsing (awscli's own tests
call main() repeatedly). The endpoint, credentials and retries come from the environment
(tests/support/aws-cli-syntax.ts).
"""

import contextlib
import io
import json
import sys

from awscli.clidriver import create_clidriver

GLOBAL = ["--region", "eu-west-1", "--cli-connect-timeout", "1", "--cli-read-timeout", "1"]


def main() -> None:
    driver = create_clidriver()
    results = []
    for args in json.load(sys.stdin):
        stderr = io.StringIO()
        with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
            try:
                code = driver.main(GLOBAL + args)
            except SystemExit as exit:
                code = exit.code
        results.append({"code": code, "stderr": stderr.getvalue().strip()})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
