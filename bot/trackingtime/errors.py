"""One exception type per way a TrackingTime call can fail, each with a message fit for a user.

TrackingTime reports most failures inside HTTP 200 bodies (``response.status``), a few as real
HTTP statuses (401, 429, gateway 5xx pages); the client maps both onto these types so callers
never look at status codes.
"""

from __future__ import annotations


class TrackingTimeError(Exception):
    """Base class. ``user_message`` is safe to show in Slack: no secrets, no stack traces."""

    default_message = "TrackingTime could not do that."

    def __init__(self, detail: str = "", user_message: str | None = None) -> None:
        super().__init__(detail or self.default_message)
        self.detail = detail
        self.user_message = user_message or self.default_message


class InvalidCredentials(TrackingTimeError):
    default_message = (
        "TrackingTime did not accept your App Password: it may have been deleted or changed. "
        "Connect again with `/track connect`."
    )


class Forbidden(TrackingTimeError):
    default_message = (
        "TrackingTime says your account may not do that (your role or plan does not allow it)."
    )


class NotFound(TrackingTimeError):
    default_message = "TrackingTime could not find that: it may have been deleted or archived."


class Conflict(TrackingTimeError):
    default_message = (
        "TrackingTime refused because the timer changed meanwhile. Check `/track status`."
    )


class RateLimited(TrackingTimeError):
    default_message = (
        "TrackingTime is receiving too many requests from your account. "
        "Wait a minute and try again."
    )


class RequestRejected(TrackingTimeError):
    """TrackingTime answered but refused the request for a reason it states."""

    default_message = "TrackingTime refused the request."


class Unavailable(TrackingTimeError):
    """TrackingTime is down, unreachable or answering with something that is not its API."""

    default_message = (
        "TrackingTime is not answering right now (it may be down for maintenance). "
        "Please try again in a few minutes."
    )


class TimedOut(Unavailable):
    default_message = (
        "TrackingTime took too long to answer. It may still have done it: check `/track status` "
        "before trying again."
    )
