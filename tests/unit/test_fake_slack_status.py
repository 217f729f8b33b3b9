"""People's user tokens and Slack status in the fake Slack, driven over real HTTP by slack_sdk's
clients and Bolt's own OAuth flow and token rotator."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from bot.fakes.slack import FakeSlack, FakeSlackServer, FakeStatus
from tests.unit.test_fake_slack import (
    CLIENT_ID,
    CLIENT_SECRET,
    OPENAPI,
    TOKEN,
    api_error,
    exchange,
    refresh,
    sample,
)

PROFILE_SCOPES = "users.profile:read,users.profile:write"


@pytest.fixture
def fake(fake_slack_server: tuple[FakeSlack, FakeSlackServer]) -> FakeSlack:
    fake = fake_slack_server[0]
    fake.reset()
    fake.set_app(CLIENT_ID, CLIENT_SECRET)
    fake.add_team("T1", TOKEN, name="Acme")
    fake.add_user("T1", "U1", "Ada Lovelace")
    fake.add_user("T1", "U2", "Grace Hopper", is_admin=True)
    fake.add_user("T1", "U3", "Mary Jackson", is_owner=True)
    return fake


@pytest.fixture
def server(
    fake: FakeSlack, fake_slack_server: tuple[FakeSlack, FakeSlackServer]
) -> FakeSlackServer:
    return fake_slack_server[1]


@pytest.fixture
def oauth(server: FakeSlackServer) -> AsyncWebClient:
    return AsyncWebClient(base_url=server.api_url)


@pytest.fixture
def bot(server: FakeSlackServer) -> AsyncWebClient:
    return AsyncWebClient(token=TOKEN, base_url=server.api_url)


def client(server: FakeSlackServer, token: str) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=server.api_url)


async def grant(
    fake: FakeSlack, oauth: AsyncWebClient, user_id: str, team_id: str = "T1", **options: Any
) -> dict[str, Any]:
    """The person allows the app to act for them (their grant alone unless ``scopes`` given)."""
    options = {"scopes": "", "user_scopes": PROFILE_SCOPES, **options}
    return await exchange(oauth, fake.approve_install(team_id, user_id, **options))


async def person(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer, user_id: str, **options: Any
) -> AsyncWebClient:
    """A client with ``user_id``'s fresh user token in T1."""
    return client(
        server, (await grant(fake, oauth, user_id, **options))["authed_user"]["access_token"]
    )


def oauth_flow(server: FakeSlackServer) -> AsyncOAuthFlow:
    """Bolt's OAuth flow, whose ``run_installation`` reads the exchange as the app will."""
    settings = AsyncOAuthSettings(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=["commands", "chat:write"],
        user_scopes=PROFILE_SCOPES.split(","),
    )
    return AsyncOAuthFlow(client=AsyncWebClient(base_url=server.api_url), settings=settings)


# ---------------------------------------------------------------- granting user tokens


async def test_install_with_user_scopes_gives_the_installer_a_user_token(
    fake: FakeSlack, server: FakeSlackServer
) -> None:
    code = fake.approve_install("T9", "U9", team_name="Initech", user_scopes=PROFILE_SCOPES)
    installation = await oauth_flow(server).run_installation(code)
    assert installation is not None and installation.bot_token is not None
    assert installation.bot_token.startswith("xoxb-") and installation.token_type == "bot"
    assert installation.user_token is not None and installation.user_token.startswith("xoxp-")
    assert installation.user_scopes == PROFILE_SCOPES.split(",") and installation.user_id == "U9"
    assert installation.user_refresh_token is None and installation.user_token_expires_at is None
    assert fake.user_token_of("T9", "U9") == installation.user_token
    (call,) = fake.calls_to("oauth.v2.access")
    authed_user = call.reply["authed_user"]
    assert set(authed_user) == {"id", "scope", "token_type", "access_token"}
    assert authed_user["token_type"] == "user"

    me = await client(server, installation.user_token).auth_test()
    assert (me["team_id"], me["user_id"], me["user"]) == ("T9", "U9", "installer.u9")
    assert not {"bot_id", "app_id", "expires_in"} & set(me.data)
    assert (await client(server, installation.bot_token).auth_test())["bot_id"]


async def test_user_only_grant_answers_no_bot_token_and_keeps_the_bots(
    fake: FakeSlack, server: FakeSlackServer, bot: AsyncWebClient
) -> None:
    code = fake.approve_install(
        "T1", "U1", team_name="Renamed", scopes="", user_scopes=PROFILE_SCOPES
    )
    installation = await oauth_flow(server).run_installation(code)
    assert installation is not None and installation.bot_token is None
    assert installation.user_token == fake.user_token_of("T1", "U1") is not None
    assert installation.team_id == "T1" and installation.team_name == "Acme"
    (call,) = fake.calls_to("oauth.v2.access")
    assert not {"access_token", "token_type", "bot_user_id", "scope", "refresh_token"} & set(
        call.reply
    )
    assert set(call.reply) - {"ok"} <= set(sample("oauth.v2.access"))
    assert (await bot.auth_test())["user_id"] == "UBOT"  # the bot's token still works


async def test_user_only_grant_in_a_team_without_the_app(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    res = await grant(fake, oauth, "U8", team_id="T8", team_name="Hooli")
    assert res["team"] == {"id": "T8", "name": "Hooli"} and "access_token" not in res
    ann = client(server, res["authed_user"]["access_token"])
    assert (await ann.users_profile_get())["profile"]["real_name"] == "Installer U8"


async def test_regrant_replaces_the_user_token_and_a_reinstall_keeps_it(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    first = (await grant(fake, oauth, "U1"))["authed_user"]["access_token"]
    second = (await grant(fake, oauth, "U1"))["authed_user"]["access_token"]
    assert second != first and fake.user_token_of("T1", "U1") == second
    err = await api_error(client(server, first).users_profile_get())
    assert err.response["error"] == "invalid_auth"
    await exchange(oauth, fake.approve_install("T1", "U2"))  # the bot re-installed by another
    assert (await client(server, second).users_profile_get())["ok"]


# ---------------------------------------------------------------- users.profile.get / set


async def test_status_round_trip(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer, bot: AsyncWebClient
) -> None:
    ada = await person(fake, oauth, server, "U1")
    until = int(time.time()) + 3600
    status = {
        "status_text": "Design review",
        "status_emoji": ":clock3:",
        "status_expiration": until,
    }
    res = await ada.users_profile_set(profile=status)
    assert res["username"] == "ada.lovelace" and res["profile"]["status_text"] == "Design review"
    assert res["profile"]["status_emoji_display_info"][0]["emoji_name"] == "clock3"
    got = (await ada.users_profile_get())["profile"]
    assert got == res["profile"] and got["status_expiration"] == until
    assert (await bot.users_profile_get(user="U1"))["profile"]["status_emoji"] == ":clock3:"
    info = (await bot.users_info(user="U1"))["user"]["profile"]
    assert (info["status_text"], info["status_expiration"]) == ("Design review", until)
    assert fake.status_of("T1", "U1") == FakeStatus("Design review", ":clock3:", until)
    (call,) = fake.calls_to("users.profile.set")
    assert call.args == {"profile": status} and call.token == fake.user_token_of("T1", "U1")


async def test_profile_as_a_json_string_or_a_name_and_value(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    ada = await person(fake, oauth, server, "U1")
    profile = json.dumps({"status_text": "Lunch", "status_emoji": ":sandwich:"})
    await ada.api_call("users.profile.set", data={"profile": profile})
    assert fake.status_of("T1", "U1") == FakeStatus("Lunch", ":sandwich:", 0)
    assert fake.calls_to("users.profile.set")[0].args["profile"]["status_text"] == "Lunch"
    # Text and emoji go together: a text alone gets Slack's default emoji.
    await ada.users_profile_set(name="status_text", value="Focus")
    assert fake.status_of("T1", "U1") == FakeStatus("Focus", ":speech_balloon:", 0)
    await ada.users_profile_set(profile={"status_text": "", "status_emoji": ""})
    assert fake.status_of("T1", "U1") == FakeStatus()


async def test_an_expired_status_reads_empty_everywhere(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer, bot: AsyncWebClient
) -> None:
    fake.set_status("T1", "U1", "In a meeting", ":calendar:", expiration=int(time.time()) - 1)
    assert fake.status_of("T1", "U1") == FakeStatus()
    empty = {"status_text": "", "status_emoji": "", "status_expiration": 0}
    ada = await person(fake, oauth, server, "U1")
    for profile in (
        (await ada.users_profile_get())["profile"],
        (await bot.users_info(user="U1"))["user"]["profile"],
    ):
        assert {k: profile[k] for k in empty} == empty
        assert profile["status_emoji_display_info"] == []


async def test_the_persons_own_status_shows_through_the_api(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    fake.set_status("T1", "U1", "Vacationing", ":palm_tree:")
    ada = await person(fake, oauth, server, "U1")
    assert (await ada.users_profile_get())["profile"]["status_text"] == "Vacationing"
    with pytest.raises(ValueError, match="too_long"):
        fake.set_status("T1", "U1", "x" * 101)
    with pytest.raises(KeyError):
        fake.status_of("T1", "UNOBODY")


async def test_status_checks(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    ada = await person(fake, oauth, server, "U1")
    assert (await ada.users_profile_set(profile={"status_text": "x" * 100}))["ok"]
    bad = [
        ({"profile": {"status_text": "x" * 101}}, "too_long"),
        ({"profile": {"status_text": "Tea", "status_emoji": "tea"}}, "profile_set_failed"),
        ({"profile": {"status_text": "Tea", "status_emoji": "🍵"}}, "profile_set_failed"),
        ({"profile": {"status_text": "Tea", "status_expiration": "soon"}}, "invalid_profile"),
        ({"profile": "{not json"}, "invalid_profile"),
        ({}, "invalid_profile"),
    ]
    for args, error in bad:
        err = await api_error(ada.api_call("users.profile.set", json=args))
        assert err.response["error"] == error, args
    assert fake.status_of("T1", "U1").text == "x" * 100  # a refused change changes nothing


async def test_a_bot_token_may_read_but_not_set(fake: FakeSlack, bot: AsyncWebClient) -> None:
    assert (await bot.users_profile_get(user="U2"))["profile"]["real_name"] == "Grace Hopper"
    err = await api_error(bot.users_profile_set(profile={"status_text": "Bot"}))
    assert err.response["error"] == "not_allowed_token_type"
    missing = await api_error(bot.users_profile_get(user="UNOBODY"))
    assert missing.response["error"] == "user_not_found"


async def test_a_user_token_needs_the_scope_and_stays_in_its_methods(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    reader = await person(fake, oauth, server, "U1", user_scopes="users.profile:read")
    assert (await reader.users_profile_get())["ok"]
    err = await api_error(reader.users_profile_set(profile={"status_text": "Tea"}))
    assert err.response.data == {
        "ok": False,
        "error": "missing_scope",
        "needed": "users.profile:write",
        "provided": "users.profile:read",
    }
    assert (await api_error(reader.users_info(user="U1"))).response["needed"] == "users:read"
    posted = await api_error(reader.chat_postMessage(channel="C1", text="as Ada"))
    assert posted.response["error"] == "not_allowed_token_type"


async def test_changing_someone_elses_status_takes_a_higher_role(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    ada, grace, mary = [await person(fake, oauth, server, u) for u in ("U1", "U2", "U3")]
    status = {"status_text": "Out", "status_emoji": ":x:"}
    attempts = [
        (ada, "U2", "not_admin"),
        (grace, "U3", "cannot_update_admin_user"),
        (mary, "U3", None),  # oneself
        (grace, "UNOBODY", "user_not_found"),
        (grace, "UBOT", "not_app_admin"),
        (mary, "U2", None),
        (grace, "U1", None),
    ]
    for who, user, error in attempts:
        call = who.users_profile_set(user=user, profile=status)
        if error is None:
            assert (await call)["profile"]["status_text"] == "Out"
        else:
            assert (await api_error(call)).response["error"] == error, (user, error)
    assert [fake.status_of("T1", u).text for u in ("U1", "U2", "U3")] == ["Out"] * 3


# ---------------------------------------------------------------- ending user tokens


async def test_revoked_user_tokens(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer, bot: AsyncWebClient
) -> None:
    ada_res = await grant(fake, oauth, "U1", rotate_tokens=True)
    grace = await person(fake, oauth, server, "U2")
    fake.revoke_user_token("T1", "U1")
    ada = client(server, ada_res["authed_user"]["access_token"])
    assert (await api_error(ada.users_profile_get())).response["error"] == "token_revoked"
    assert fake.user_token_of("T1", "U1") is None
    err = await api_error(refresh(oauth, ada_res["authed_user"]["refresh_token"]))
    assert err.response["error"] == "invalid_refresh_token"
    assert (await grace.users_profile_get())["ok"] and (await bot.auth_test())["ok"]

    fake.revoke_team("T1")
    assert (await api_error(grace.users_profile_get())).response["error"] == "token_revoked"
    assert (await api_error(bot.auth_test())).response["error"] == "invalid_auth"


async def test_user_token_rotation_with_slacks_token_rotator(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    code = fake.approve_install("T9", "U9", rotate_tokens=True, user_scopes=PROFILE_SCOPES)
    installed = await oauth_flow(server).run_installation(code)
    assert isinstance(installed, Installation) and installed.user_token is not None
    assert installed.user_token.startswith("xoxe.xoxp-1-")
    assert installed.user_refresh_token and installed.user_refresh_token.startswith("xoxe-1-")
    assert installed.user_token_expires_at and installed.user_token_expires_at > time.time()
    assert (await client(server, installed.user_token).auth_test())["expires_in"] > 43000

    rotator = AsyncTokenRotator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, client=oauth)
    rotated = await rotator.perform_user_token_rotation(
        installation=installed, minutes_before_expiration=24 * 60
    )
    assert rotated is not None and rotated.user_token not in (None, installed.user_token)
    assert rotated.user_refresh_token != installed.user_refresh_token
    assert rotated.bot_token == installed.bot_token and rotated.user_token is not None
    assert fake.user_token_of("T9", "U9") == rotated.user_token
    assert (await client(server, rotated.user_token).users_profile_get())["ok"]
    old = await api_error(client(server, installed.user_token).users_profile_get())
    assert old.response["error"] == "token_expired"
    assert installed.bot_token and (await client(server, installed.bot_token).auth_test())["ok"]

    call = fake.calls_to("oauth.v2.access")[-1]
    assert call.args["refresh_token"] == "***"
    assert call.reply["token_type"] == "user" and call.reply["scope"] == PROFILE_SCOPES
    assert "bot_user_id" not in call.reply and call.reply["team"]["id"] == "T9"


async def test_user_tokens_expire_like_bot_tokens(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    fake.token_ttl = 0
    short = (await grant(fake, oauth, "U1", rotate_tokens=True))["authed_user"]
    assert short["expires_in"] == 0
    err = await api_error(client(server, short["access_token"]).users_profile_get())
    assert err.response["error"] == "token_expired" and fake.user_token_of("T1", "U1") is None
    fake.token_ttl = 43200
    grace = (await grant(fake, oauth, "U2"))["authed_user"]["access_token"]
    fake.expire_token(grace)
    err = await api_error(client(server, grace).users_profile_get())
    assert err.response["error"] == "token_expired"


# ---------------------------------------------------------------- limits, isolation, fidelity


async def test_rate_limits_and_forced_failures_apply_to_user_tokens(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    ada = await person(fake, oauth, server, "U1")
    fake.rate_limit_per_minute["users.profile.set"] = 1
    await ada.users_profile_set(profile={"status_text": "One"})
    err = await api_error(ada.users_profile_set(profile={"status_text": "Two"}))
    assert err.response.status_code == 429 and 1 <= int(err.response.headers["Retry-After"]) <= 60
    fake.rate_limit_per_minute.clear()
    fake.fail_next("users.profile.set", retry_after=3)
    err = await api_error(ada.users_profile_set(profile={"status_text": "Three"}))
    assert err.response.status_code == 429 and err.response.headers["Retry-After"] == "3"
    assert fake.status_of("T1", "U1").text == "One"


async def test_people_and_teams_are_kept_apart(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer
) -> None:
    fake.add_team("T2", "xoxb-globex", name="Globex")
    fake.add_user("T2", "U1", "Ada at Globex")
    fake.add_user("T2", "U5", "Hedy Lamarr")
    ada = await person(fake, oauth, server, "U1")
    await ada.users_profile_set(profile={"status_text": "Acme work", "status_emoji": ":office:"})
    assert fake.status_of("T2", "U1") == fake.status_of("T1", "U2") == FakeStatus()
    err = await api_error(ada.users_profile_get(user="U5"))  # a user of another team
    assert err.response["error"] == "user_not_found"
    ada_globex = (await grant(fake, oauth, "U1", team_id="T2"))["authed_user"]["access_token"]
    assert ada_globex != fake.user_token_of("T1", "U1")
    profile = (await client(server, ada_globex).users_profile_get())["profile"]
    assert (profile["team"], profile["status_text"]) == ("T2", "")


async def test_profile_errors_are_ones_slack_lists(
    fake: FakeSlack, oauth: AsyncWebClient, server: FakeSlackServer, bot: AsyncWebClient
) -> None:
    spec = json.loads(OPENAPI.read_text())

    def errors_of(method: str) -> set[str]:
        (operation,) = spec["paths"][f"/{method}"].values()
        return set(operation["responses"]["default"]["schema"]["properties"]["error"]["enum"])

    ada = await person(fake, oauth, server, "U1")
    await api_error(ada.users_profile_set(profile={"status_text": "Tea", "status_emoji": "x"}))
    await api_error(ada.api_call("users.profile.set", json={"profile": "nope"}))
    await api_error(ada.users_profile_set(user="U2", profile={"status_text": "Tea"}))
    await api_error(bot.users_profile_get(user="UNOBODY"))
    fake.revoke_user_token("T1", "U1")
    await api_error(ada.users_profile_get())
    # Errors Slack answers for every method today, newer than the 2020 spec, and too_long (its
    # docs give the 100-character limit but not the error).
    agreed = {"missing_scope", "not_allowed_token_type", "too_long"}
    for call in fake.calls_to("users.profile.set") + fake.calls_to("users.profile.get"):
        assert call.error is None or call.error in errors_of(call.method) | agreed, call
    set_schema = spec["paths"]["/users.profile.set"]["post"]["responses"]["200"]["schema"]
    assert set(set_schema["required"]) == {"ok", "username", "profile"}
