"""Steady traffic against a generated app, for the outage journey (tests/stack-journey-outage.test.ts).

Usage: python3 traffic.py BASE_URL SECONDS WORKERS PATH...

WORKERS threads each ask the PATHs in turn, one request at a time, until SECONDS have passed;
every answer is written to stdout as one JSON line: start (epoch seconds), seconds taken,
path, status (0: no answer within the client's 30 s), content type, whether the body is JSON,
Retry-After, and the body's first 200 characters. Standard library only: it runs on the host's
Python, inside the engine's network namespace.
"""

import json
import sys
import threading
import time
import urllib.error
import urllib.request

CLIENT_TIMEOUT = 30


def ask(url: str) -> dict:
    start = time.time()
    try:
        with urllib.request.urlopen(url, timeout=CLIENT_TIMEOUT) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    except OSError as error:
        return {"start": start, "seconds": time.time() - start, "status": 0, "error": str(error)}
    try:
        json.loads(body)
        is_json = True
    except ValueError:
        is_json = False
    return {
        "start": start,
        "seconds": time.time() - start,
        "status": status,
        "contentType": headers.get("content-type", ""),
        "json": is_json,
        "retryAfter": headers.get("retry-after"),
        "body": body[:200].decode("utf-8", "replace"),
    }


def main() -> None:
    base, seconds, workers, paths = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
    end = time.time() + seconds
    lock = threading.Lock()

    def work(offset: int) -> None:
        i = offset
        while time.time() < end:
            path = paths[i % len(paths)]
            i += 1
            answer = ask(base + path)
            answer["path"] = path
            with lock:
                print(json.dumps(answer), flush=True)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


if __name__ == "__main__":
    main()
