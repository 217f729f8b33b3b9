"""Domain services: what the app does, independent of Slack and of HTTP."""
