"""Everything the playground runs: both fakes, the real app on its own port, a signed sender."""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, datetime
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.crypto import Keyring, generate_key
from bot.fakes.server import BackgroundServer
from bot.fakes.slack import FakeSlack, FakeSlackServer
from bot.fakes.slack_requests import SignedSlack, SlackUser
from bot.fakes.trackingtime import FakeTrackingTime
from bot.playground.demo import BOT_TOKEN, USERS, DemoWorkspace, seed_demo
from bot.settings import Settings, load_settings
from bot.status_grant import STATUS_SCOPES
from bot.storage import AccountStore, Database, Link, upgrade_schema
from bot.storage.status import StatusStore, UserToken
from bot.web import create_web_app


class Playground:
    """The real app wired to fakes, in ``folder`` (which holds its SQLite database)."""

    def __init__(self, folder: Path) -> None:
        self.fake_tt = FakeTrackingTime()
        self.fake_slack = FakeSlack()
        self.tt_server = self.fake_tt.serve()
        self.slack_server = self.fake_slack.serve()
        self.demo = seed_demo(self.fake_tt, self.fake_slack, datetime.now().date())
        signing_secret = secrets.token_hex(16)
        self.fake_slack.set_app(*DEMO_APP)
        self.settings = load_settings(
            {
                "SLACK_SIGNING_SECRET": signing_secret,
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_API_URL": self.slack_server.api_url,
                "TRACKINGTIME_API_URL": self.tt_server.api_url,
                "DATABASE_URL": f"sqlite:///{folder / 'playground.db'}",
                "ENCRYPTION_KEYS": generate_key(),
            },
            need_slack=True,
            need_encryption=True,
        )
        upgrade_schema(self.settings.database_url)
        asyncio.run(_link_demo_users(self.settings, self.demo, self.fake_slack, self.slack_server))
        self.app_server = BackgroundServer(create_web_app(self.settings)).start()
        self.slack = SignedSlack(self.app_server.url, signing_secret)

    def close(self) -> None:
        self.slack.close()
        self.app_server.stop()
        self.slack_server.stop()
        self.tt_server.stop()


async def _link_demo_users(
    settings: Settings, demo: DemoWorkspace, fake_slack: FakeSlack, slack: FakeSlackServer
) -> None:
    """Store the links of the users who start out connected, as ``/track connect`` would; the
    first has turned the Slack status line on and allowed it in Slack (the playground runs in
    one workspace, without the OAuth set-up that asks a user for it)."""
    database = Database(settings.database_url)
    try:
        keyring = Keyring(settings.encryption_keys)
        store = AccountStore(database.sessions, keyring)
        statuses = StatusStore(database.sessions, keyring, lambda: datetime.now(UTC))
        for name, user in USERS.items():
            if user.linked:
                await store.save(
                    Link(
                        key=user.slack.key,
                        tt_user_id=demo.tt_user_ids[name],
                        account_id=demo.account_id,
                        workspace_name="Northwind Studio",
                        app_password=user.app_password,
                        time_zone=user.time_zone,
                        tt_user_name=user.real_name,
                    )
                )
        dana = next(user for user in USERS.values() if user.linked).slack
        await statuses.grant(dana.key, await _granted_token(dana, fake_slack, slack.api_url))
    finally:
        await database.dispose()


# The playground's own Slack app credentials, known only to its fake Slack.
DEMO_APP = ("playground.client", "playground-client-secret")


async def _granted_token(user: SlackUser, fake_slack: FakeSlack, api_url: str) -> UserToken:
    """The user token the fake Slack gives for Allow in Slack: the code the consent page hands
    back, exchanged with ``oauth.v2.access`` as Bolt's redirect route does."""
    scopes = ",".join(STATUS_SCOPES)
    code = fake_slack.approve_install(user.team_id, user.user_id, scopes="", user_scopes=scopes)
    answer = await AsyncWebClient(base_url=api_url).oauth_v2_access(
        client_id=DEMO_APP[0], client_secret=DEMO_APP[1], code=code
    )
    return UserToken(answer["authed_user"]["access_token"])
