"""The fake Slack as tests use it: :class:`FakeSlack` (every area combined) and its server."""

from __future__ import annotations

from bot.fakes.server import BackgroundServer
from bot.fakes.slack.chat import ChatMethods
from bot.fakes.slack.oauth import OAuthMethods
from bot.fakes.slack.recording import Recording
from bot.fakes.slack.routes import Routes
from bot.fakes.slack.users import UserMethods
from bot.fakes.slack.views import ViewMethods


class FakeSlackServer(BackgroundServer):
    """A running fake: ``url`` is the server root, ``api_url`` the Web API base (``…/api/``).

    Started already when returned by :meth:`FakeSlack.serve`; ``with`` stops it on exit.
    """

    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"


class FakeSlack(Routes, Recording, OAuthMethods, ChatMethods, ViewMethods, UserMethods):
    """In-memory Slack workspace(s) behind a Starlette app; see :mod:`bot.fakes.slack`.

    Typical use::

        fake = FakeSlack()
        fake.add_team("T1", "xoxb-1")
        fake.add_user("T1", "U1", "Ada Lovelace", tz="Europe/London")
        with fake.serve() as server:
            client = AsyncWebClient(token="xoxb-1", base_url=server.api_url)
            ...
            fake.wait_for_calls("chat.postMessage")
    """

    def __init__(self) -> None:
        super().__init__()
        people_methods, self._app_methods = self._oauth_methods()
        self._people_methods = {**people_methods, **self._user_methods()}
        self._methods = {**self._chat_methods(), **self._view_methods()}
        self.app = self._build_app()

    # ------------------------------------------------------------------ serving

    def serve(self) -> FakeSlackServer:
        """Serve :attr:`app` on a free localhost port; returns the started server.

        Use it as ``with fake.serve() as server:`` or call ``server.stop()`` yourself.
        """
        server = FakeSlackServer(self.app)
        self.url = server.url  # known before start, so response URLs can be issued right away
        return server.start()

    @property
    def api_url(self) -> str:
        """The Web API base URL of the most recent :meth:`serve` (``http://127.0.0.1:P/api/``)."""
        if self.url is None:
            raise RuntimeError("FakeSlack is not served yet: call serve() first")
        return f"{self.url}/api/"

    # ------------------------------------------------------------------ registry

    def add_team(
        self,
        team_id: str,
        bot_token: str,
        name: str = "Acme",
        enterprise_id: str | None = None,
        bot_user_id: str = "UBOT",
    ) -> None:
        """Register a workspace whose bot token the fake accepts; its bot user is added too."""
        with self._lock:
            self._register_team(team_id, bot_token, name, enterprise_id, bot_user_id)
