"""Options for the Log-time modal's external selects (``block_suggestion``)."""

from slack_bolt.async_app import AsyncApp

from bot.blocks import ids
from handlers.options.catalogue import project_options, task_options


def register(app: AsyncApp) -> None:
    app.options(ids.LOG_PROJECT_INPUT[1])(project_options)
    app.options(ids.LOG_TASK_INPUT[1])(task_options)
