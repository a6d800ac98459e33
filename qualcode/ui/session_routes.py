"""The HTTP route that sets and clears the session cookie (Starlette, mounted by ``serve.py``).

``POST /qualcode/session`` with a one-time handoff code as the body answers 204 with
``Set-Cookie: qualcode_session=<token>.<signature>; HttpOnly; SameSite=Strict; Path=/`` (and
``Secure`` behind HTTPS), or 403 for an unknown, used or stale code. ``DELETE`` revokes the
session and clears the cookie.
"""

from __future__ import annotations

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from qualcode.config import get_settings
from qualcode.db import make_engine, unit_of_work
from qualcode.services import sign_in_sessions as sessions

PATH = "/qualcode/session"
_engines: dict[str, Engine] = {}


def _engine() -> Engine:
    url = get_settings().database_url
    if url not in _engines:
        _engines[url] = make_engine(url)
    return _engines[url]


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto", "") == "https"


def _redeem(code: str) -> tuple[str, int] | None:
    with unit_of_work(_engine()) as session:
        return sessions.redeem_handoff(session, code, sessions.secret_key(get_settings().data_dir))


def _revoke(cookie: str | None) -> None:
    with unit_of_work(_engine()) as session:
        sessions.revoke_cookie(session, cookie, sessions.secret_key(get_settings().data_dir))


async def session_cookie(request: Request) -> Response:
    if request.method == "DELETE":
        await run_in_threadpool(_revoke, request.cookies.get(sessions.COOKIE))
        response = Response(status_code=204)
        response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
        return response
    code = (await request.body()).decode("ascii", errors="replace").strip()[:200]
    redeemed = await run_in_threadpool(_redeem, code)
    if redeemed is None:
        return Response(status_code=403)
    value, max_age = redeemed
    response = Response(status_code=204)
    response.set_cookie(sessions.COOKIE, value, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=_secure(request))
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[BaseRoute]:
    return [Route(PATH, session_cookie, methods=["POST", "DELETE"])]
