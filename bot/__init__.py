"""TrackingTime for Slack: track TrackingTime time from Slack."""

__version__ = "0.1.0"
APP_NAME = "TrackingTimeForSlack"
