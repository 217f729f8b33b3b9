"""What posts in a channel cost when one author there asked for drafts (``/track standup``).

Slack sends the app every message of every channel it is in. This starts the real HTTP app with
both fakes, links Alice and Bob, turns offers on for Alice in one channel, and sends ``--posts``
signed ``message`` events one after another: most from Bob (the floor: one indexed look-up, then
nothing), one in ``--every`` from Alice with a stand-up post in it (read, claimed, offered).
Then it sends every event again as Slack's retry (``X-Slack-Retry-Num: 1``) and counts the
offers: one per post of Alice's, none more. Last, it times reading the longest post Slack sends
(40,000 characters) with the draft reader.

    python -m bench.channel_posts --posts 300 --every 10
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.ack_latency import summary
from bot.fakes.slack import FakeSlack
from bot.fakes.slack_requests import event_payload, message_event
from bot.fakes.trackingtime import FakeTrackingTime
from bot.logparse import read_post
from tests.support.flows import connect
from tests.support.harness import AppHarness
from tests.support.seed import ALICE, ALICE_PASSWORD, BOB, BOB_PASSWORD, seed

CHANNEL = "C0STANDUP"
POST = "Yesterday:\n• 2h design review in website: header\n• standup (15m), 45m code golf"
CHATTER = "Morning all! The build is green again :tada: <https://ci.example/42|details>"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--every", type=int, default=10, help="one post in this many is Alice's")
    args = parser.parse_args()

    fake_tt, fake_slack = FakeTrackingTime(), FakeSlack()
    with fake_tt.serve() as tt_server, fake_slack.serve() as slack_server:
        seed(fake_tt, fake_slack)
        with tempfile.TemporaryDirectory() as folder:
            database_url = f"sqlite:///{Path(folder) / 'bench.db'}"
            app = AppHarness(database_url, fake_slack, slack_server.api_url, tt_server.api_url)
            try:
                connect(app, ALICE, ALICE_PASSWORD)
                connect(app, BOB, BOB_PASSWORD)
                app.reply_to(ALICE, f"standup <#{CHANNEL}|standup>")
                fake_slack.clear()
                floor, offered, payloads = [], [], []
                started_all = time.monotonic()
                for n in range(args.posts):
                    mine = n % args.every == 0
                    user, text = (ALICE, POST) if mine else (BOB, CHATTER)
                    event = message_event(user, CHANNEL, text, ts=f"1764300000.{n:06d}")
                    payloads.append(event_payload(user, event))
                    started = time.monotonic()
                    response = app.slack.event(payloads[-1])
                    (offered if mine else floor).append(time.monotonic() - started)
                    assert response.status_code == 200, response.text
                expected = len(offered)
                fake_slack.wait_for_calls("chat.postEphemeral", expected, timeout=60)
                all_offers = time.monotonic() - started_all
                retries = []
                for payload in payloads:
                    started = time.monotonic()
                    assert app.slack.event(payload, retry=1).status_code == 200
                    retries.append(time.monotonic() - started)
                time.sleep(1.0)  # time for a doubled offer to show, were there one
                offers = len([c for c in fake_slack.calls_to("chat.postEphemeral") if c.ok])
            finally:
                app.close()

    longest = "\n".join(f"• {n % 24 + 1}h task {n}: notes, more notes" for n in range(1500))
    longest = longest[:40_000]
    started = time.perf_counter()
    drafts = len(read_post(longest, date(2026, 12, 2)).drafts)
    reading = time.perf_counter() - started

    print(f"{args.posts} posts in one channel; Alice (offers on) wrote one in {args.every}")
    print(summary("others' post -> ack", floor))
    print(summary("Alice's post -> ack", offered))
    print(summary("retried post -> ack", retries))
    print(f"all {expected} offers posted {all_offers:.1f} s after the first post was sent")
    print(f"offers after every event was retried: {offers} (one per post of Alice's: {expected})")
    print(f"reading a 40,000-character post: {drafts} drafts in {reading * 1000:.0f} ms")
    print(f"the floor: others' posts cost one look-up; no offer doubled: {offers == expected}")


if __name__ == "__main__":
    main()
