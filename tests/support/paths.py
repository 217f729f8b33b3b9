"""Where the tests' own reference data lives: inside the project, found from this file."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SLACK_REFERENCE = PROJECT_ROOT / "tests" / "reference" / "slack"
PAYLOAD_SAMPLES = SLACK_REFERENCE / "payload-samples" / "json-logs" / "samples"
