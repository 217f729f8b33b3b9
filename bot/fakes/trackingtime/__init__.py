"""A fake TrackingTime REST API v4, served over real HTTP, with in-memory state.

What it models
==============
The part of ``https://api.trackingtime.co/api/v4`` that the Slack app uses, following
``docs/trackingtime-api.md`` (the project's API notes), quirks included, so that the real HTTP
client can be tested, benchmarked and played with locally:

* ``GET /me`` (no account prefix): the authenticated user, their default ``account_id`` and
  ``teams[]``.
* ``/{account_id}/...`` routes, or the same routes without the account id, which then use the
  user's default (first) account: ``teams``, ``users``, ``customers``, ``projects``, ``tasks``,
  ``tasks/{id}``, ``tasks/track/{id}``, ``tasks/track`` (by name), ``tasks/stop/{id}``,
  ``users/{uid}/tasks/tracking``, ``events``, ``events/{id}``, ``events/add``,
  ``events/update/{id}`` (also ``events/{id}/update``, the official n8n node's form),
  ``events/delete/{id}``, ``webhooks``, ``webhooks/add`` and ``webhooks/delete/{id}`` (also
  ``webhooks/{id}/delete``, the n8n node's form).
* Workspaces (accounts), users with App Passwords, customers, projects, tasks, time entries
  (events), running timers (an event whose ``end`` is null) and webhooks, which it posts to.

Wire quirks reproduced on purpose
=================================
* **Failures come as HTTP 200.** Every JSON reply is the envelope
  ``{"response": {"status", "version", "message", "note", "note_type"}, "data"}``; apart from bad
  credentials (a real HTTP 401) and rate limiting (a real HTTP 429), errors are HTTP 200 with the
  failure only in ``response.status`` (400, 403, 404, 500, 502...) and ``data`` null.
* **Status 502 is a "user exception"**, not a gateway error: starting a timer while one runs
  (without ``stop_running_task=true``) or stopping a task that is not being tracked.
* **Method-agnostic**: every route answers GET, POST, PUT, PATCH and DELETE alike. Parameters are
  merged from the query string, a form-urlencoded body and a JSON body (body wins over query;
  JSON ``true``/numbers/lists become the strings ``"true"``/``"3"``/``'[...]'``, as if sent as
  form fields). A gzip request body (``Content-Encoding: gzip``) is accepted.
* **Booleans are Java-style**: only ``"true"`` (any case) is true; ``"1"`` or ``"yes"`` are false.
* ``/tasks`` is always paged (``page`` 0-based, ``page_size`` default and maximum 100): without
  ``page`` you only get the first 100 tasks. ``/projects`` returns everything. ``/events`` pages
  with ``page_size`` default 50, maximum 1000.
* Non-JSON replies exist: injected gateway errors answer ``text/html`` pages.

Choices where the real API is unknown (the client must not depend on them)
==========================================================================
* **Times are local wall-clock time.** ``date`` (track/stop) and event ``start``/``end`` are
  ``yyyy-MM-dd HH:mm:ss`` in the request's ``timezone`` and are stored and returned exactly as
  sent (the API notes say it is unconfirmed whether the real ``start`` is local or UTC). An event
  keeps the time zone it was started with; a stop sent in another zone is converted into it.
  Durations are computed on the real instants (wall time minus UTC offset).
* ``timezone`` accepts ``GMT+02:00``, ``GMT-05:00``, ``GMT+3``, ``UTC+1``, ``GMT`` or an IANA name
  (converted with its offset at that date) and is echoed as ``GMT+HH:MM``. Anything else,
  including ``GMT 02:00`` (an unescaped ``+`` in a query string), is rejected with status 400.
  A missing ``timezone`` falls back to the user's profile time zone.
* ``date`` is strictly ``yyyy-MM-dd HH:mm:ss`` (no ``T``, no fractions) and required on both
  track **and stop** (missing or malformed → status 400 naming the parameter).
* ``tasks/track`` with ``project_id`` but no ``task_name`` (tracking the project itself, which the
  real API models with hidden "GHOST" tasks) is **rejected** with status 400: the fake does not
  model it.
* One running timer per user **per account**. Several users may track the same task; a task
  object's ``user``/``tracking_event`` is the requesting user's timer when they track it, else the
  earliest one; ``users[]`` lists every user tracking it, each with its ``event``.
* A task counts as archived when it or its project is archived. Archived tasks can be stopped
  but not tracked (status 404).
* ``/events`` includes running events (``end`` null, ``duration`` 0); it supports ``filter`` =
  USER, PROJECT, CUSTOMER, TASK (all need ``id``) and COMPANY; ``from``/``to`` are inclusive and a
  date alone means 00:00:00 / 23:59:59 in the events' local time.
* ``events/add`` requires ``start``, ``end`` and ``timezone`` (the official MCP's list; missing →
  status 400 naming the parameter) and takes ``duration``, ``user_id``, ``task_id`` |
  ``task_name``, ``project_id`` | ``project_name``, ``notes`` and ``event_type`` (``WORK`` by
  default, or ``NOT_LOGGED``). ``task_name`` finds or creates the task (and ``project_name`` its
  project) as ``tasks/track`` does; ``project_id``/``project_name`` alone give an entry on the
  project itself, with ``task``/``task_id`` null. With ``task_id``, a ``project_id`` other than
  the task's is status 400 (the task decides the project). Unknown or archived tasks and projects
  are status 404. Nothing is created when a request fails.
* **The fake is strict about ``duration``** (the real rule is unknown): when given, it must match
  the real time between ``start`` and ``end`` within 60 s, else status 400; an ``end`` before the
  ``start`` is status 400 too. The reply's ``duration`` is always the one computed from the times.
* **One timezone per entry, DST inside it.** ``timezone`` is the offset at ``start``; ``end`` is
  the wall time at the end instant, which after a DST change carries another offset. The fake
  reads ``end`` in the zone the wall times are in: the IANA zone when ``timezone`` names one, the
  owner's profile zone when ``timezone`` is the offset that zone has at ``start``, else the fixed
  offset (an ambiguous wall time takes the offset that agrees with ``duration``). So in
  Europe/Berlin, ``01:30``-``03:30`` on 2026-10-25 with ``GMT+02:00`` lasts 3 h and is returned
  with those wall times and ``duration`` 10800. (A timer stopped in another offset is different:
  its ``end`` is converted into the start's offset, as before.)
* ``events/update/{id}`` changes what it is given (``start``, ``end``, ``duration``,
  ``timezone``, ``notes``, ``task_id`` | ``task_name``, ``project_id`` | ``project_name``) with
  the same checks; wall times that are not given keep their text, even when ``timezone`` changes.
  A running entry cannot be given an ``end`` or ``duration`` (stop its timer) and must keep a
  task; its ``notes`` (and its task) can change, which is how the app sets a running timer's
  notes (unconfirmed for the real API, see the API notes). ``events/delete/{id}`` answers with
  the deleted event; deleting a running entry ends its timer. ``events/{id}`` reads one.
  Entries of another workspace are status 404.
* Roles: the first user added to an account is ``ADMIN``, later ones ``CO_WORKER`` (override with
  ``roles=``). Any member may read any other member's timer and events; only ``ADMIN`` and
  ``MANAGER`` may add (``user_id``), update or delete another member's entries (else status
  403; a ``user_id`` that is not a member is status 404).
* **Webhooks** (``routes/webhooks.py``, ``hooks.py``): ``webhooks/add`` takes ``url``,
  ``events`` (``event.created``, ``event.updated``, and ``event.deleted``, a name the fake
  assumes) and ``grouped=false`` (``true`` is status 400: not modelled), and answers ``id`` and
  ``secret``, as the official n8n trigger reads them. Any member may manage them unless
  :meth:`FakeTrackingTime.refuse_webhooks` makes that account answer status 403. Every change
  to an entry (a timer started or stopped, an entry added, changed or deleted, seeded ones
  included) is posted to the account's webhooks that asked for it as JSON
  ``{"event": <name>, "data": <the event object>}``, unsigned, in the background after the
  change: the API's answer never waits, a failed post is not retried, and each post is
  recorded (:meth:`FakeTrackingTime.webhook_deliveries`). The real payload is undocumented.
* Injected ``rate_limit`` and the per-second limiter (keyed by the ``Authorization`` header,
  counting only the requests it lets through) answer HTTP 429 with an envelope status 429 and no
  ``Retry-After`` header: none is documented for the real API.
* Order of checks for every request: record, ``latency``, injected failure, rate limit,
  authentication (HTTP 401), account membership (status 403), routing (status 404),
  parameter validation (status 400).
* Ids come from separate ranges (accounts 1001+, users 2001+, customers 3001+, projects 4001+,
  tasks 5001+, webhooks 6001+, events 900001+) so that a mixed-up id never silently hits
  another object, and they keep increasing across :meth:`FakeTrackingTime.reset`.

Using it
========
>>> fake = FakeTrackingTime()
>>> acc = fake.add_account("Acme")
>>> uid = fake.add_user("ann@acme.test", "app-pw", "Ann", accounts=[acc])
>>> with fake.serve() as server:          # doctest: +SKIP
...     server.api_url                    # 'http://127.0.0.1:PORT/api/v4'
...     # httpx.get(f"{server.api_url}/me", auth=("API_TOKEN", "app-pw"))

The control methods (``add_*``, ``fail_next``, read helpers...) are called from the test's
thread while the server runs on its own thread and event loop, so all state sits behind one
:class:`threading.Lock` that request handlers only hold while not awaiting.

Layout
======
``wire`` (envelope, errors, parameters), ``times`` (wall times and zones), ``model`` (records),
``state`` (the workspaces and the changes routes make), ``render`` (objects as the API shows
them), ``routes/`` (one module per area, and the dispatcher), ``server`` (the HTTP pipeline and
failure switches) and ``fake`` (:class:`FakeTrackingTime`, the control API).
"""

from bot.fakes.trackingtime.fake import FakeTrackingTime
from bot.fakes.trackingtime.hooks import WebhookDelivery
from bot.fakes.trackingtime.model import RecordedRequest
from bot.fakes.trackingtime.server import FakeTrackingTimeServer
from bot.fakes.trackingtime.wire import FAILURE_KINDS

__all__ = [
    "FAILURE_KINDS",
    "FakeTrackingTime",
    "FakeTrackingTimeServer",
    "RecordedRequest",
    "WebhookDelivery",
]
