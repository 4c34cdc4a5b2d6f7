"""The OpenAPI 3.1 description of the API, served at GET /openapi.json.

Flask does not describe its routes itself, so this one is written by hand, in the shape FastAPI
would give the same routes (a FastAPI version of this project serves the same paths,
parameters, answers and schemas). The limits come from limits.py, so they cannot drift. The
tests hold the rest to the app: every route is described here and nothing else is, and every
answer they get matches the schema described for it. Change a route, and change this too.
"""

from typing import Any

from .limits import (
    DESCRIPTION_MAX_LENGTH,
    NAME_MAX_LENGTH,
    OFFSET_MAX,
    PAGE_DEFAULT,
    PAGE_MAX,
)

TITLE = "Flask Nopg Redis Standard Uv"
DESCRIPTION = "Combination test service"
VERSION = "<version>"


def _schema(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_ITEM_ID = {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_NOT_FOUND = _answer("No item has this id", _schema("Message"))
_INVALID = _answer("Validation Error", _schema("HTTPValidationError"))


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": _schema(schema)}}}


def _text(max_length: int, min_length: int = 0) -> dict[str, Any]:
    return {"type": "string", "minLength": min_length, "maxLength": max_length}


_NAME = _text(NAME_MAX_LENGTH, min_length=1)
_DESCRIPTION = {"anyOf": [_text(DESCRIPTION_MAX_LENGTH), {"type": "null"}]}

PATHS: dict[str, dict[str, Any]] = {
    "/health": {
        "get": {
            "summary": "Liveness: no call to any other service",
            "responses": {"200": _answer("OK", {"type": "object", "additionalProperties": {"type": "string"}})},
        }
    },
    "/ready": {
        "get": {
            "summary": "Readiness: the services the app needs answer",
            "responses": {
                "200": _answer("Ready", {"type": "object", "additionalProperties": {"type": "string"}}),
                "503": {"description": "A service did not answer: `failed` names it; try again after Retry-After"},
            },
        }
    },
    "/items": {
        "get": {
            "summary": "A page of items, in id order, with the total",
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": "Items in the page",
                    "schema": {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": PAGE_DEFAULT},
                },
                {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "description": "Items to skip, in id order",
                    "schema": {"type": "integer", "minimum": 0, "maximum": OFFSET_MAX, "default": 0},
                },
            ],
            "responses": {"200": _answer("A page of items", _schema("ItemPage")), "422": _INVALID},
        },
        "post": {
            "summary": "Create an item",
            "requestBody": _body("ItemIn"),
            "responses": {"201": _answer("The new item", _schema("ItemOut")), "422": _INVALID},
        },
    },
    "/items/{item_id}": {
        "get": {
            "summary": "One item",
            "parameters": [_ITEM_ID],
            "responses": {
                "200": _answer("The item", _schema("ItemOut")),
                "404": _NOT_FOUND,
                "422": _INVALID,
            },
        },
        "put": {
            "summary": "Replace an item: every field (a description left out is removed)",
            "parameters": [_ITEM_ID],
            "requestBody": _body("ItemIn"),
            "responses": {
                "200": _answer("The item as it is now", _schema("ItemOut")),
                "404": _NOT_FOUND,
                "422": _INVALID,
            },
        },
        "patch": {
            "summary": "Update an item: the fields given (a name cannot be removed)",
            "parameters": [_ITEM_ID],
            "requestBody": _body("ItemPatch"),
            "responses": {
                "200": _answer("The item as it is now", _schema("ItemOut")),
                "404": _NOT_FOUND,
                "422": _INVALID,
            },
        },
        "delete": {
            "summary": "Delete an item",
            "parameters": [_ITEM_ID],
            "responses": {"204": {"description": "Deleted"}, "404": _NOT_FOUND, "422": _INVALID},
        },
    },
    "/visits": {
        "get": {
            "summary": "Count this visit in Redis",
            "responses": {
                "200": _answer("The visits so far", {"type": "object", "additionalProperties": {"type": "integer"}})
            },
        }
    },
}

SCHEMAS: dict[str, dict[str, Any]] = {
    "ItemIn": {
        "type": "object",
        "properties": {"name": _NAME, "description": _DESCRIPTION},
        "required": ["name"],
        "additionalProperties": False,
    },
    "ItemPatch": {
        "type": "object",
        "properties": {"name": {"anyOf": [_NAME, {"type": "null"}]}, "description": _DESCRIPTION},
        "additionalProperties": False,
    },
    "ItemOut": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "description": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        },
        "required": ["id", "name", "description"],
    },
    "ItemPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _schema("ItemOut")},
            "total": {"type": "integer"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
        },
        "required": ["items", "total", "limit", "offset"],
    },
    "Message": {
        "type": "object",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "HTTPValidationError": {
        "type": "object",
        "properties": {"detail": {"type": "array", "items": _schema("ValidationError")}},
    },
    "ValidationError": {
        "type": "object",
        "properties": {
            "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
            "msg": {"type": "string"},
            "type": {"type": "string"},
        },
        "required": ["loc", "msg", "type"],
    },
}

DOCUMENT: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": TITLE, "description": DESCRIPTION, "version": VERSION},
    "paths": PATHS,
    "components": {"schemas": SCHEMAS},
}
