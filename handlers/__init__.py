"""Slack listeners, one package per kind, each with ``register(app)``.

A listener parses the payload, acks, calls a service and renders with a builder from
:mod:`bot.blocks`; it holds no HTTP, SQL or business rules of its own.
"""

from slack_bolt.async_app import AsyncApp

from handlers import actions, commands, events, options, shortcuts, views


def register(app: AsyncApp) -> None:
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    options.register(app)
    shortcuts.register(app)
