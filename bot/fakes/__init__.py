"""Fakes of the services we cannot reach (Slack's Web API, TrackingTime).

They speak real HTTP on localhost so that tests, benchmarks and local runs exercise the same
client code as production.
"""
