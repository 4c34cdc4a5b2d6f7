"""What an item may hold, and how a page of items is asked for. The API refuses anything else
with a 422, before it reaches the store, so it answers alike whichever store the project has
(the PostgreSQL one could not keep it).
"""

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 1000

# GET /items returns `limit` items (PAGE_DEFAULT when not given, at most PAGE_MAX) after
# skipping `offset` of them.
PAGE_DEFAULT = 50
PAGE_MAX = 100

# Ids are PostgreSQL `integer`s: no item has an id outside 1..ID_MAX, so no table holds more
# rows than that, and PostgreSQL refuses a bigger number even in a comparison or an OFFSET
# (an error, so a 500) where the API answers 404 or 422.
ID_MAX = 2**31 - 1
OFFSET_MAX = ID_MAX


def text_problem(value: str) -> str | None:
    """Why a store cannot keep this text, or None when it can.

    PostgreSQL text holds neither NUL characters nor lone surrogates (JSON's "\\ud800" to
    "\\udfff" escapes without their pair), which have no UTF-8 form.
    """
    if "\x00" in value:
        return "must not contain NUL characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "must be valid Unicode (it contains a lone surrogate)"
    return None
