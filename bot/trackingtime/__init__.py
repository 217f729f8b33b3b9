"""The TrackingTime API v4 client."""

from bot.trackingtime.client import TrackingTime, TrackingTimeSession
from bot.trackingtime.errors import (
    Conflict,
    Forbidden,
    InvalidCredentials,
    NotFound,
    RateLimited,
    RequestRejected,
    TimedOut,
    TrackingTimeError,
    Unavailable,
)
from bot.trackingtime.models import Event, Me, Project, RunningTimer, Task, Workspace

__all__ = [
    "Conflict",
    "Event",
    "Forbidden",
    "InvalidCredentials",
    "Me",
    "NotFound",
    "Project",
    "RateLimited",
    "RequestRejected",
    "RunningTimer",
    "Task",
    "TimedOut",
    "TrackingTime",
    "TrackingTimeError",
    "TrackingTimeSession",
    "Unavailable",
    "Workspace",
]
