"""A fake of Slack's Web API and of the ``response_url`` hooks, spoken over real HTTP.

Tests point slack_sdk's ``AsyncWebClient(base_url=server.api_url)`` at it, so the real client code
(argument encoding, ``Authorization`` header, error raising, retry handlers) runs unchanged. Bolt's
``respond()`` posts to URLs handed out by :meth:`FakeSlack.new_response_url`.

What it models, in Slack's response shapes (checked against the samples in
``tests/reference/slack/payload-samples/json-logs/samples/api`` and the Web API OpenAPI spec):

* tokens: ``Authorization: Bearer …`` or a ``token`` argument; none → ``not_authed``, unknown →
  ``invalid_auth`` (HTTP 200, as Slack does); bot tokens, and people's user tokens that act as
  their person where Slack lets them (see :mod:`bot.fakes.slack.oauth`);
* arguments as query string, form body or JSON body, merged; JSON-string ``blocks``, ``view``,
  ``attachments``, ``metadata`` and ``profile`` are decoded, so recorded calls look the same
  however they came;
* Slack's OAuth v2 install, user tokens and token rotation (``oauth.v2.access``, see
  :mod:`bot.fakes.slack.oauth`);
* ``auth.test``, ``chat.postMessage``, ``chat.postEphemeral``, ``chat.update``, ``chat.delete``,
  ``conversations.open``, ``users.info``, ``users.profile.get``, ``users.profile.set``,
  ``views.open``, ``views.push``, ``views.update``, ``views.publish``; any other method →
  ``unknown_method``;
* people's Slack status (text, emoji, expiration; see :mod:`bot.fakes.slack.users`), set through
  the API or by the person (:meth:`FakeSlack.set_status`), cleared by Slack once expired;
* one-shot ``trigger_id`` s that expire after :attr:`FakeSlack.trigger_ttl` seconds (3 s);
* view ids, ``hash`` optimistic locking (``hash_conflict``), Home tabs per user;
* ``response_url`` s that take five posts, then answer HTTP 404 ``used_url``;
* rate limits (HTTP 429 + ``Retry-After``), forced failures and added latency;
* every request is recorded (``calls``, ``responses``), rejected ones too, with the error it got.

Choices where Slack's behaviour is unclear: ``chat.postEphemeral`` to an unknown user answers
``user_not_found`` (Slack may say ``user_not_in_channel``); ``views.publish`` to an unknown user
answers ``invalid_arguments``; ``unknown_method`` comes with HTTP 200.

Deliberately left out (documented so tests do not rely on them): Slack's normalisation of
submitted views and blocks (it would add ``block_id`` s and ``emoji`` flags; the fake echoes them
verbatim), view ``state`` values (always ``{"values": {}}``), work-object/unfurl view fields
(``entity_url``, ``external_ref``, ``app_unfurl_url``, ``message_ts``, ``thread_ts``,
``channel``), ``has_2fa``/``is_stranger`` and
custom-avatar/guest/bot-only profile fields in ``users.info`` for human users, the 30-minute
lifetime of ``response_url`` s, channel membership and channel names (any ``C…``/``G…`` id is a
channel the bot may post to).

Where things are: :mod:`~bot.fakes.slack.fake` combines the areas into :class:`FakeSlack`;
:mod:`~bot.fakes.slack.state` holds the state (and says how threads share it),
:mod:`~bot.fakes.slack.routes` the HTTP side; :mod:`~bot.fakes.slack.oauth`,
:mod:`~bot.fakes.slack.chat`, :mod:`~bot.fakes.slack.views` and :mod:`~bot.fakes.slack.users` the
Web API methods by area; :mod:`~bot.fakes.slack.shapes` Slack's JSON objects.
"""

from bot.fakes.slack.fake import FakeSlack, FakeSlackServer
from bot.fakes.slack.models import (
    JSON_ARGS,
    RESPONSE_URL_MAX_POSTS,
    SECRET_ARGS,
    FakeStatus,
    ResponsePost,
    SlackCall,
)

__all__ = [
    "JSON_ARGS",
    "RESPONSE_URL_MAX_POSTS",
    "SECRET_ARGS",
    "FakeSlack",
    "FakeSlackServer",
    "FakeStatus",
    "ResponsePost",
    "SlackCall",
]
