"""The fake Slack's HTTP side: the Starlette routes, argument parsing, token checks, forced
failures and rate limits, and the ``response_url`` hooks.

Every request is recorded (``calls``, ``responses``), rejected ones too, with the error it got.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import math
import secrets
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.fakes.slack.models import (
    JSON_ARGS,
    RESPONSE_URL_MAX_POSTS,
    SECRET_ARGS,
    Access,
    ApiError,
    Caller,
    Forced,
    Hook,
    PersonMethod,
    Reply,
    ResponsePost,
    SlackCall,
)
from bot.fakes.slack.shapes import has_content
from bot.fakes.slack.state import SlackState


class Routes(SlackState):
    """``/api/{method}`` and ``/hooks/commands/…`` over :class:`SlackState`."""

    def _build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/{method}", self._handle_api, methods=["GET", "POST"]),
                Route("/hooks/commands/{team}/{n}/{secret}", self._handle_hook, methods=["POST"]),
            ]
        )

    def new_response_url(self, team_id: str | None = None) -> str:
        """A ``response_url`` taking :data:`RESPONSE_URL_MAX_POSTS` posts; needs :meth:`serve`.

        ``team_id`` defaults to the first registered team (``T00000000`` if none).
        """
        if self.url is None:
            raise RuntimeError("FakeSlack is not served yet: call serve() first")
        with self._lock:
            if team_id is None:
                team_id = next(iter(self._teams), "T00000000")
            self._seq += 1
            path = f"/hooks/commands/{team_id}/{self._seq}{secrets.randbelow(10**8):08d}/"
            path += secrets.token_urlsafe(18)
            hook = Hook(url=f"{self.url}{path}", team_id=team_id)
            self._hooks[path] = hook
            return hook.url

    # ------------------------------------------------------------------ behaviour knobs

    def fail_next(self, method: str, error: str = "ratelimited", retry_after: int = 1) -> None:
        """Make the next call of ``method`` fail once (queued; call again to fail more).

        ``ratelimited`` answers HTTP 429 with ``Retry-After: retry_after``; any other error is an
        ordinary HTTP 200 ``{"ok": false, "error": error}``.
        """
        with self._lock:
            self._forced.setdefault(method, deque()).append(Forced(error, retry_after))

    # ------------------------------------------------------------------ HTTP handlers

    async def _handle_api(self, request: Request) -> Response:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        method = request.path_params["method"]
        args: dict[str, Any] = dict(request.query_params)
        body_error: str | None = None
        raw = await request.body()
        content_type = request.headers.get("content-type", "")
        if raw and content_type.startswith("application/json"):
            try:
                parsed = json.loads(raw)
            except ValueError:
                body_error = "invalid_json"
            else:
                if isinstance(parsed, dict):
                    args.update(parsed)
                else:
                    body_error = "json_not_object"
        elif raw:
            args.update(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
        header_token = _bearer(request.headers.get("authorization"))
        basic = _basic(request.headers.get("authorization"))
        arg_token = args.pop("token", None)
        token = header_token or (str(arg_token) if arg_token else None)
        for name in JSON_ARGS:
            if isinstance(args.get(name), str):
                # Undecodable values stay strings; the method then answers invalid_arguments.
                with contextlib.suppress(ValueError):
                    args[name] = json.loads(args[name])

        with self._changed:
            if body_error is not None:
                reply = Reply({"ok": False, "error": body_error})
            else:
                reply = self._dispatch(method, args, token, basic)
            # Serialise under the lock: the reply shares objects with the stored state.
            payload = json.dumps(reply.body)
            self.calls.append(
                SlackCall(
                    method,
                    {k: "***" if k in SECRET_ARGS else v for k, v in args.items()},
                    token,
                    time.monotonic(),
                    reply.body.get("error"),
                    json.loads(payload),
                )
            )
            self._changed.notify_all()
        headers = {"X-Slack-Req-Id": secrets.token_hex(16), **reply.headers}
        return Response(
            payload,
            status_code=reply.status,
            headers=headers,
            media_type="application/json; charset=utf-8",
        )

    async def _handle_hook(self, request: Request) -> Response:
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        raw = await request.body()
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        with self._changed:
            hook = self._hooks.get(request.url.path)
            url = hook.url if hook else f"{self.url}{request.url.path}"
            status, text = 200, "ok"
            if hook is None:
                status, text = 404, "no_service"
            elif not isinstance(body, dict):
                status, text = 400, "invalid_payload"
            elif hook.posts >= RESPONSE_URL_MAX_POSTS:
                status, text = 404, "used_url"
            elif not has_content(body) and not body.get("delete_original"):
                status, text = 400, "no_text"
            else:
                hook.posts += 1
            recorded = body if isinstance(body, dict) else {}
            error = None if status == 200 else text
            self.responses.append(ResponsePost(url, recorded, time.monotonic(), error))
            self._changed.notify_all()
        return Response(text, status_code=status, media_type="text/html")

    # ------------------------------------------------------------------ dispatch (lock held)

    def _dispatch(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        basic: tuple[str, str] | None = None,
    ) -> Reply:
        forced = self._forced.get(method)
        if forced:
            f = forced.popleft()
            if f.error == "ratelimited":
                return Reply(
                    {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(f.retry_after)}
                )
            return Reply({"ok": False, "error": f.error})
        app_handler = self._app_methods.get(method)
        if app_handler is not None:
            return self._answer(lambda: app_handler(args, basic))
        handler = self._methods.get(method)
        person = self._people_methods.get(method)
        if handler is None and person is None:
            return Reply({"ok": False, "error": "unknown_method", "req_method": method})
        if not token:
            return Reply({"ok": False, "error": "not_authed"})
        access = self._live_access(token)
        if access is None:
            ended = self._ended_tokens.get(token)
            return Reply({"ok": False, "error": ended[1] if ended else "invalid_auth"})
        refusal = _refusal(person, access)
        if refusal is not None:
            return Reply(refusal)
        team = self._teams[access.team_id]
        retry_after = self._rate_limited(team.team_id, method)
        if retry_after is not None:
            return Reply(
                {"ok": False, "error": "ratelimited"}, 429, {"Retry-After": str(retry_after)}
            )
        if person is None:
            return self._answer(lambda: handler(team, args))
        caller = Caller(team, access, token)
        return self._answer(lambda: person.handler(caller, args))

    def _answer(self, run: Callable[[], dict[str, Any]]) -> Reply:
        """Run a method handler: its result is ``ok: true``, its ``ApiError`` Slack's error."""
        try:
            return Reply({"ok": True, **run()})
        except ApiError as e:
            body: dict[str, Any] = {"ok": False, "error": e.error, **e.fields}
            if e.messages:
                body["response_metadata"] = {"messages": e.messages}
            return Reply(body)

    def _rate_limited(self, team_id: str, method: str) -> int | None:
        """Seconds to wait if this call exceeds ``rate_limit_per_minute``; else count it."""
        limit = self.rate_limit_per_minute.get(method)
        if limit is None:
            return None
        now = time.monotonic()
        window = self._rate_windows.setdefault((team_id, method), deque())
        while window and now - window[0] >= self.rate_limit_window:
            window.popleft()
        if len(window) >= limit:
            return max(1, math.ceil(window[0] + self.rate_limit_window - now))
        window.append(now)
        return None


def _refusal(person: PersonMethod | None, access: Access) -> dict[str, Any] | None:
    """Slack's answer when a token of this kind may not call the method (``None``: it may).

    The fake acts as a person only in the methods that take a :class:`PersonMethod`; elsewhere a
    user token answers ``not_allowed_token_type`` (Slack would act as the person there, given the
    scope).
    """
    if person is None:
        return {"ok": False, "error": "not_allowed_token_type"} if access.is_user else None
    if not access.is_user:
        return None if person.bot_too else {"ok": False, "error": "not_allowed_token_type"}
    if person.user_scope and person.user_scope not in access.scope.split(","):
        return {
            "ok": False,
            "error": "missing_scope",
            "needed": person.user_scope,
            "provided": access.scope,
        }
    return None


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def _basic(header: str | None) -> tuple[str, str] | None:
    """``(client_id, client_secret)`` from ``Authorization: Basic …``, as slack_sdk sends them."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, _, client_secret = decoded.partition(":")
    return client_id, client_secret
