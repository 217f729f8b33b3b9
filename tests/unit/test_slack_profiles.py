"""The Slack profile client against the fake Slack over HTTP: what each kind of Slack answer
means for the status line (stop the sync, or try again later)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.slack_profiles import ProfileRefused, ProfileUnreachable, SlackProfiles

TEAM, USER = "T0PROF", "U0PROF"
SCOPES = "users.profile:read,users.profile:write"


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


async def user_token(fake: FakeSlack, server: FakeSlackServer) -> str:
    fake.set_app("1.2", "secret")
    fake.add_team(TEAM, "xoxb-prof", name="Profiles")
    fake.add_user(TEAM, USER, "Pat Profile")
    code = fake.approve_install(TEAM, USER, scopes="", user_scopes=SCOPES)
    async with aiohttp.ClientSession() as http:
        answer = await (
            await http.post(
                f"{server.api_url}oauth.v2.access",
                data={"client_id": "1.2", "client_secret": "secret", "code": code},
            )
        ).json()
    return str(answer["authed_user"]["access_token"])


async def test_set_get_and_what_each_refusal_means(
    fake_slack: FakeSlack,
    fake_slack_server: tuple[FakeSlack, FakeSlackServer],
    session: aiohttp.ClientSession,
) -> None:
    server = fake_slack_server[1]
    token = await user_token(fake_slack, server)
    profiles = SlackProfiles(server.api_url, lambda: session, "1.2", "secret")
    await profiles.set(token, "Design & review", ":stopwatch:", None)
    shown = await profiles.get(token)
    assert shown.same("Design & review", ":stopwatch:") and not shown.empty

    fake_slack.fail_next("users.profile.set", "ratelimited", retry_after=5)
    with pytest.raises(ProfileRefused) as limited:
        await profiles.set(token, "x", ":x:", None)
    assert limited.value.problem == "rate_limited"
    fake_slack.fail_next("users.profile.set", "profile_set_failed")
    with pytest.raises(ProfileRefused) as refused:
        await profiles.set(token, "x", ":x:", None)
    assert refused.value.problem == "refused"
    fake_slack.revoke_user_token(TEAM, USER)
    with pytest.raises(ProfileRefused) as revoked:
        await profiles.get(token)
    assert (revoked.value.problem, revoked.value.error) == ("revoked", "token_revoked")


async def test_slack_not_answering_is_tried_again_later(session: aiohttp.ClientSession) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    profiles = SlackProfiles(f"http://127.0.0.1:{port}/api/", lambda: session, "1.2", "secret")
    with pytest.raises(ProfileUnreachable):
        await profiles.get("xoxp-nobody")
