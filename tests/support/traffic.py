"""Steady traffic against a generated app, for the outage journey (tests/stack/stack-journey-outage.test.ts).

Usage: python3 traffic.py BASE_URL SECONDS WORKERS PATH...

WORKERS threads each ask the PATHs in turn, one request at a time, until SECONDS have passed;
every answer is written to stdout as one JSON line: start (epoch seconds), seconds from the
request sent to the answer, seconds to connect, path, status (0: no answer within the client's
30 s), content type, whether the body is JSON, Retry-After, and the body's first 200 characters. Standard library only: it runs on the host's
Python, inside the engine's network namespace.
"""

import http.client
import json
import sys
import threading
import time
import urllib.parse

CLIENT_TIMEOUT = 30


def ask(base: str, path: str) -> dict:
    """One request on a new connection. `seconds` is the app's part: from the request sent to
    the answer read; `connectSeconds` the TCP connection before it (the engine's port
    forwarding, which stalls for a few seconds while Docker rewires a container's network)."""
    parts = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=CLIENT_TIMEOUT)
    start = time.time()
    try:
        connection.connect()
        sent = time.time()
        connection.request("GET", path)
        response = connection.getresponse()
        status, headers, body = response.status, response.headers, response.read()
    except OSError as error:
        return {"start": start, "seconds": time.time() - start, "connectSeconds": 0, "status": 0, "error": str(error)}
    finally:
        connection.close()
    try:
        json.loads(body)
        is_json = True
    except ValueError:
        is_json = False
    return {
        "start": start,
        "seconds": time.time() - sent,
        "connectSeconds": sent - start,
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
            answer = ask(base, path)
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
