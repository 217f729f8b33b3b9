"""The playground: the real app driven from a terminal as Slack would drive it, no Slack needed.

``python -m bot playground`` (and ``python -m bot`` when no Slack settings are configured) starts
the real HTTP app, a fake Slack Web API and a fake TrackingTime seeded with a demo workspace, and
reads ``/track …``, ``click N``, ``set``, ``submit``, ``home``, ``shortcut``, ``as`` and ``help``
from the keyboard or a script.
"""
