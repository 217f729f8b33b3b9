"""The Bolt app: Slack's client, our services in every listener's context, the listeners."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

import handlers
from bot.services.container import Services
from bot.settings import Settings
from bot.slack_clients import slack_client, team_clients_for
from bot.slack_http import PooledRespond
from bot.status_grant import AppOAuthFlow, callback_options
from bot.storage import SlackUserKey
from bot.storage.status import Problem
from bot.worker.messenger import Messenger, status_teller
from handlers.common import SERVICES_KEY
from handlers.home import publish_home

log = logging.getLogger(__name__)


# The bot scopes manifest.yml declares (a test keeps the two the same), and what needs each.
SCOPE_USES = {
    "commands": "/track and the shortcuts",
    "chat:write": "replies and direct messages",
    "chat:write.public": "the team digest, in a public channel the bot was not invited to",
    "im:write": "opening the direct message for summaries and reminders",
    "users:read": "each user's time zone, and whether they are an admin (users.info)",
    "channels:history": "the message.channels event: posts where users want drafts offered",
    "groups:history": "the message.groups event: the same in private channels",
}
BOT_SCOPES = tuple(SCOPE_USES)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
# Bolt refreshes a rotating token this long before it expires, while handling a request.
TOKEN_REFRESH_MINUTES = 120


def oauth_settings(
    settings: Settings, services: Services, client: AsyncWebClient
) -> AsyncOAuthSettings:
    """ "Add to Slack" into any workspace: installations and OAuth states in our database, with
    the tokens encrypted; tokens refreshed through ``client`` (``SLACK_API_URL``), because the
    authorizer Bolt makes by default would call slack.com whatever the settings say."""
    oauth = AsyncOAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(BOT_SCOPES),
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=services.installations,
        installation_store_bot_only=True,
        state_store=services.oauth_states,
        token_rotation_expiration_minutes=TOKEN_REFRESH_MINUTES,
        callback_options=callback_options(),
    )
    oauth.authorize = AsyncInstallationStoreAuthorize(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        installation_store=services.installations,
        token_rotation_expiration_minutes=TOKEN_REFRESH_MINUTES,
        bot_only=True,
        client=client,
        logger=logging.getLogger("slack_bolt"),
    )
    return oauth


def build_app(settings: Settings, services: Services) -> AsyncApp:
    """The Bolt app: for one workspace (``SLACK_BOT_TOKEN``) or installed with OAuth."""
    client = slack_client(settings)
    outside = _OutsideRequests(settings, services)
    flow = None
    if settings.oauth:
        flow = AppOAuthFlow(
            client=client,
            logger=logging.getLogger("slack_bolt"),
            settings=oauth_settings(settings, services, client),
            status=services.status,
            after_grant=outside.refresh_home,
        )
    app = AsyncApp(
        signing_secret=settings.slack_signing_secret,
        client=client,
        oauth_flow=flow,
        logger=logging.getLogger("slack_bolt"),
        # Middleware for workflow functions and assistant threads, which the app has none of:
        # every request would pass through them for nothing.
        attaching_function_token_enabled=False,
        attaching_conversation_kwargs_enabled=False,
    )

    async def provide_services(
        context: AsyncBoltContext, next: Callable[[], Awaitable[Any]]
    ) -> Any:
        context[SERVICES_KEY] = services
        # Every listener's Web API client and respond() share one session (bot/slack_http.py).
        session = services.slack_http.session()
        context.client.session = session
        if context.response_url:
            context["respond"] = PooledRespond(context.response_url, session)
        return await next()

    app.use(provide_services)

    @app.error
    async def log_unhandled(error: Exception, body: dict[str, Any]) -> BoltResponse | None:
        # The body may hold user input: log only what kind of request failed.
        log.exception("unhandled error in a %s request", body.get("type") or body.get("command"))
        return None

    services.status.tell_with(outside.tell)
    handlers.register(app)
    return app


class _OutsideRequests:
    """What the web process sends Slack outside a listener (a status notice from a status
    change's own task, the Home after a grant on the OAuth redirect): with the workspace's bot
    token, over the process's Slack session, made on first use inside the running loop."""

    def __init__(self, settings: Settings, services: Services) -> None:
        self._settings = settings
        self._services = services
        self._messenger: Messenger | None = None

    def _sender(self) -> Messenger:
        if self._messenger is None:
            services = self._services
            clients = team_clients_for(
                self._settings, services.installations, services.slack_http.session()
            )
            self._messenger = Messenger(clients, per_second=1.0)
        return self._messenger

    async def tell(self, key: SlackUserKey, problem: Problem) -> None:
        """The user's status sync stopped (told once)."""
        await status_teller(self._sender(), self._services.status)(key, problem)

    async def refresh_home(self, key: SlackUserKey) -> None:
        """The user granted the status line's token: their Home shows it at once."""
        client = await self._sender().clients.for_team(key.enterprise_id, key.team_id)
        if client is not None:
            await publish_home(client, self._services, key)
