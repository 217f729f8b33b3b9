"""Modal submissions."""

from slack_bolt.async_app import AsyncApp

from bot.blocks import ids
from handlers.views.connect import connect_submission
from handlers.views.drafts import drafts_submission
from handlers.views.edit_entry import edit_submission
from handlers.views.log_entry import log_submission
from handlers.views.settings import settings_submission
from handlers.views.workspace import workspace_submission


def register(app: AsyncApp) -> None:
    app.view(ids.CONNECT_VIEW)(connect_submission)
    app.view(ids.WORKSPACE_VIEW)(workspace_submission)
    app.view(ids.LOG_VIEW)(log_submission)
    app.view(ids.SETTINGS_VIEW)(settings_submission)
    app.view(ids.EDIT_VIEW)(edit_submission)
    app.view(ids.DRAFTS_VIEW)(drafts_submission)
