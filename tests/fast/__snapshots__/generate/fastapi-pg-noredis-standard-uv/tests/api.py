"""The app's HTTP API as the tests call it: every call gives the status and the JSON body, so
the tests read the same in a FastAPI project and a Flask one."""

from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    # The JSON body, parsed; None when the answer has no body.
    json: Any
    # Header names in lower case.
    headers: dict[str, str] = field(default_factory=dict)


class Api:
    def __init__(self, client: TestClient) -> None:
        self._client = client

    def call(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        body: bytes | None = None,
        chunks: list[bytes] | None = None,
        content_type: str = "application/json",
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """`json` is sent as JSON; `body` as it is, for bodies json.dumps would not write;
        `chunks` as a body of unknown length (Transfer-Encoding: chunked)."""
        sent = {"content-type": content_type, **(headers or {})}
        if chunks is not None:
            response = self._client.request(method, path, content=iter(chunks), headers=sent)
        elif body is not None:
            response = self._client.request(method, path, content=body, headers=sent)
        elif json is not None:
            response = self._client.request(method, path, json=json, headers=headers)
        else:
            response = self._client.request(method, path, headers=headers)
        parsed = response.json() if response.content else None
        answered = {name.lower(): value for name, value in response.headers.items()}
        return Answer(response.status_code, response.headers.get("content-type", ""), parsed, answered)

    def get(self, path: str) -> Answer:
        return self.call("GET", path)

    def post(self, path: str, json: Any) -> Answer:
        return self.call("POST", path, json=json)

    def put(self, path: str, json: Any) -> Answer:
        return self.call("PUT", path, json=json)

    def patch(self, path: str, json: Any) -> Answer:
        return self.call("PATCH", path, json=json)

    def delete(self, path: str) -> Answer:
        return self.call("DELETE", path)
