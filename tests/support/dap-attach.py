"""A debugger client speaking the Debug Adapter Protocol to debugpy, as VS Code does.

Usage: dap-attach.py PORT URL FILE LINE LOCAL_ROOT REMOTE_ROOT [METHOD]

Connects to debugpy on 127.0.0.1:PORT, attaches with the path mapping LOCAL_ROOT -> REMOTE_ROOT,
sets a breakpoint at FILE:LINE (a local path), finishes the configuration, then GETs URL in a
thread. It waits for the `stopped` event, reads the top frame, checks that the request is still
unanswered, continues, and waits for the answer. Prints one JSON object of what it saw.
METHOD (default GET) is the request's: POST, with an empty body, for a route that hands the work
to another process (a Celery worker), which is then the debuggee and the one that stops.
"""

import json
import socket
import sys
import threading
import time
import urllib.request

port, url, file, line, local_root, remote_root = sys.argv[1:7]
method = sys.argv[7] if len(sys.argv) > 7 else "GET"
line = int(line)
seen = {}


def connect() -> socket.socket:
    deadline = time.monotonic() + 30
    while True:
        try:
            return socket.create_connection(("127.0.0.1", int(port)), timeout=30)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


sock = connect()
stream = sock.makefile("rb")
sequence = 0


def send(command: str, arguments: dict) -> int:
    global sequence
    sequence += 1
    body = json.dumps({"seq": sequence, "type": "request", "command": command, "arguments": arguments}).encode()
    sock.sendall(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    print(f"-> {command}", file=sys.stderr, flush=True)
    return sequence


def receive() -> dict:
    length = 0
    while True:
        header = stream.readline()
        if not header:
            raise EOFError("debugpy closed the connection")
        header = header.strip()
        if not header:
            break
        name, _, value = header.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    message = json.loads(stream.read(length))
    # What arrived, on stderr: a failing run shows how far the session got.
    print(f"<- {message.get('type')} {message.get('event') or message.get('command')} {json.dumps(message.get('body'))[:200]}", file=sys.stderr, flush=True)
    return message


def wait_for(predicate, what: str) -> dict:
    """The next message that matches; responses that fail are errors."""
    while True:
        message = receive()
        if message.get("type") == "response" and not message.get("success"):
            raise RuntimeError(f"{message.get('command')} failed: {message.get('message')}")
        if predicate(message):
            return message


def response_to(request: int):
    return lambda m: m.get("type") == "response" and m.get("request_seq") == request


def event(name: str):
    return lambda m: m.get("type") == "event" and m.get("event") == name


wait_for(response_to(send("initialize", {"adapterID": "debugpy", "clientID": "cpda-stack-test", "pathFormat": "path", "linesStartAt1": True, "columnsStartAt1": True})), "initialize")
# debugpy answers attach only after configurationDone; it sends `initialized` first.
attach = send("attach", {"pathMappings": [{"localRoot": local_root, "remoteRoot": remote_root}], "justMyCode": True})
wait_for(event("initialized"), "initialized")
breakpoints = wait_for(response_to(send("setBreakpoints", {"source": {"path": file}, "breakpoints": [{"line": line}]})), "setBreakpoints")
seen["breakpoint"] = {k: breakpoints["body"]["breakpoints"][0].get(k) for k in ("verified", "line")}
done = send("configurationDone", {})
wait_for(lambda m: response_to(done)(m) or response_to(attach)(m), "configurationDone")

answer = {}


def request() -> None:
    try:
        sent = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(sent, timeout=60) as r:
            answer.update(status=r.status, body=json.loads(r.read()))
    except Exception as error:  # noqa: BLE001 - reported, not raised, from the thread
        answer.update(error=repr(error))


client = threading.Thread(target=request)
client.start()
stopped = wait_for(event("stopped"), "stopped")
thread = stopped["body"]["threadId"]
seen["stopped"] = {"reason": stopped["body"]["reason"]}
frames = wait_for(response_to(send("stackTrace", {"threadId": thread, "levels": 1})), "stackTrace")
top = frames["body"]["stackFrames"][0]
seen["stopped"].update(path=top["source"]["path"], line=top["line"])
time.sleep(1)
seen["answered_while_stopped"] = not client.is_alive()
send("continue", {"threadId": thread})
client.join(60)
seen["answer"] = answer
send("disconnect", {"terminateDebuggee": False})
print(json.dumps(seen))
