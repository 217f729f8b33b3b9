"""Events API: the app leaving a workspace."""

from slack_bolt.async_app import AsyncApp

from handlers.events.uninstall import app_uninstalled, tokens_revoked


def register(app: AsyncApp) -> None:
    app.event("app_uninstalled")(app_uninstalled)
    app.event("tokens_revoked")(tokens_revoked)
