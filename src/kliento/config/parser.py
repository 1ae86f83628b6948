"""The API's request parser: JSON bodies only, no text a database or a cipher chokes on.

- A body must say ``Content-Type: application/json`` (415 ``unsupported_media_type``).
- JSON nested too deeply for the parser is malformed JSON (400), not a server error.
- A NUL character (PostgreSQL refuses it in text) or an unpaired UTF-16 surrogate (it
  cannot be encoded, so nothing could encrypt or store it) anywhere in the body or the
  query string is refused as ``value_invalid`` (422) naming where it was, before any
  service sees it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.parser import Parser

from kliento.common.errors import DomainError, ErrorCode

JSON_TYPES = ("application/json",)


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _refuse(location: list[str]) -> DomainError:
    return DomainError(
        ErrorCode.VALUE_INVALID,
        _("Text may not contain NUL characters or unpaired surrogates."),
        details={"loc": location},
    )


def _check(value: Any, location: list[str]) -> None:
    if isinstance(value, str):
        if _unstorable(value):
            raise _refuse(location)
    elif isinstance(value, dict):
        for key, item in value.items():
            if _unstorable(str(key)):
                raise _refuse(location)
            _check(item, [*location, str(key)])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, [*location, str(index)])


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.body and request.content_type not in JSON_TYPES:
            raise DomainError(
                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                _("Send the request body as JSON with Content-Type: application/json."),
            )
        try:
            data = json.loads(request.body)
        except RecursionError as error:
            raise ValueError("JSON nested too deeply") from error
        _check(data, ["body"])
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, Any], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        for key, values in data.lists():
            for value in values:
                if _unstorable(str(key)) or _unstorable(str(value)):
                    raise _refuse(["query", str(key)])
        return super().parse_querydict(data, list_fields, request)
