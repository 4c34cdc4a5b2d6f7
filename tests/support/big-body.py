"""Sends a large request body to a generated app, as a client that reads an early answer would.

Usage: python3 big-body.py HOST PORT PATH BYTES length|chunked

`length`: a Content-Length header, then the body; `chunked`: Transfer-Encoding: chunked, in
64 KiB chunks. Between chunks the client looks for an answer and stops sending once one came
(so a server that refuses early is not made to read on). Prints one JSON line: the status,
content type, body, seconds until the answer, and the bytes sent by then.
"""

import json
import select
import socket
import sys
import time

CHUNK = 65536


def main() -> None:
    host, port, path, size, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), sys.argv[5]
    start = time.time()
    sock = socket.create_connection((host, port), timeout=30)
    framing = f"Content-Length: {size}" if mode == "length" else "Transfer-Encoding: chunked"
    head = f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    sock.sendall(head.encode())
    sent = 0
    try:
        while sent < size and not select.select([sock], [], [], 0.01 if sent else 0.5)[0]:
            piece = b"x" * min(CHUNK, size - sent)
            sock.sendall(piece if mode == "length" else f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sent += len(piece)
        if mode == "chunked" and sent >= size:
            sock.sendall(b"0\r\n\r\n")
    except OSError:
        pass  # the server closed the connection after answering: read the answer
    answer = b""
    try:
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            data = sock.recv(65536)
            if not data:
                break
            answer += data
    except OSError:
        pass
    seconds = time.time() - start
    head_text, _, body = answer.partition(b"\r\n\r\n")
    lines = head_text.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0].startswith("HTTP/") else 0
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    print(
        json.dumps(
            {
                "status": status,
                "contentType": headers.get("content-type", ""),
                "body": body.decode("utf-8", "replace"),
                "seconds": seconds,
                "sent": sent,
            }
        )
    )


def _length(answer: bytes) -> int:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


if __name__ == "__main__":
    main()
