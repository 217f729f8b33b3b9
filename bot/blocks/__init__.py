"""Block Kit builders: pure functions from domain records to ``slack_sdk.models`` objects.

Builders never do I/O. They return model objects (not dicts) so that ``to_dict()`` validates
lengths and counts before anything reaches Slack.
"""

from bot.blocks.message import Message

__all__ = ["Message"]
