"""Where the shared reference material lives (beside the project root)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED = PROJECT_ROOT.parent / "shared"
SLACK_REFERENCE = SHARED / "reference" / "slack"
PAYLOAD_SAMPLES = SLACK_REFERENCE / "payload-samples" / "json-logs" / "samples"
