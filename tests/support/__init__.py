"""Test support: Slack request builders, harnesses for the fakes and the app server."""
