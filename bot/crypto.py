"""Encryption at rest for secrets (TrackingTime App Passwords, later Slack tokens).

Fernet is authenticated encryption; :class:`MultiFernet` lets operators rotate keys: the first
(newest) key encrypts, every key decrypts, and :meth:`Keyring.rotate` re-encrypts old rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class UnreadableSecret(Exception):
    """A stored secret was encrypted with a key that is no longer in ``ENCRYPTION_KEYS``."""


def generate_key() -> str:
    """A new random Fernet key, as ``python -m bot keygen`` prints it."""
    return Fernet.generate_key().decode()


class Keyring:
    """The configured Fernet keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])
        # How many secrets this keyring has opened: what a worker round's log and the scale
        # benchmark report, since a round with nothing due must open none.
        self.decrypted = 0

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        self.decrypted += 1
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise UnreadableSecret(
                "a stored secret cannot be decrypted with any key in ENCRYPTION_KEYS"
            ) from None

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` under the newest key (written with any key)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken:
            raise UnreadableSecret(
                "a stored secret cannot be decrypted with any key in ENCRYPTION_KEYS"
            ) from None
