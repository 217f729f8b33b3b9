"""The Connect button, and the link button to TrackingTime."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.blocks.views import connect_modal


async def open_connect(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
    await ack()
    await client.views_open(trigger_id=body["trigger_id"], view=connect_modal())


async def open_trackingtime(ack: AsyncAck) -> None:
    """Link buttons open their URL in the browser; Slack still wants the click acknowledged."""
    await ack()
