"""Keyring: Fernet encryption at rest with rotation."""

from __future__ import annotations

import base64

import pytest
from cryptography.fernet import Fernet, InvalidToken

from bot.crypto import Keyring, UnreadableSecret, generate_key

OLD = generate_key()
NEW = generate_key()


@pytest.mark.parametrize("plaintext", ["app-password", "", "ünïcødé ✓ " * 50])
def test_round_trip(plaintext: str) -> None:
    keyring = Keyring([NEW])

    token = keyring.encrypt(plaintext)

    assert keyring.decrypt(token) == plaintext
    if plaintext:
        assert plaintext not in token


def test_encryption_is_randomised() -> None:
    keyring = Keyring([NEW])

    assert keyring.encrypt("same") != keyring.encrypt("same")


def test_a_wrong_key_cannot_decrypt() -> None:
    token = Keyring([OLD]).encrypt("hunter2")

    with pytest.raises(UnreadableSecret) as raised:
        Keyring([NEW]).decrypt(token)
    assert "hunter2" not in str(raised.value)
    assert token not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


@pytest.mark.parametrize("garbage", ["", "not a token", "gAAAAAB" + "A" * 60])
def test_garbage_is_unreadable(garbage: str) -> None:
    with pytest.raises(UnreadableSecret):
        Keyring([NEW]).decrypt(garbage)


def test_the_newest_key_encrypts_and_every_key_decrypts() -> None:
    keyring = Keyring([NEW, OLD])

    token = keyring.encrypt("secret")

    assert Fernet(NEW.encode()).decrypt(token.encode()) == b"secret"
    with pytest.raises(InvalidToken):
        Fernet(OLD.encode()).decrypt(token.encode())
    assert keyring.decrypt(Keyring([OLD]).encrypt("older")) == "older"


def test_rotate_moves_a_token_to_the_newest_key() -> None:
    old_token = Keyring([OLD]).encrypt("secret")

    new_token = Keyring([NEW, OLD]).rotate(old_token)

    assert Keyring([NEW]).decrypt(new_token) == "secret"
    with pytest.raises(UnreadableSecret):
        Keyring([OLD]).decrypt(new_token)


def test_rotate_of_an_unreadable_token_raises() -> None:
    with pytest.raises(UnreadableSecret):
        Keyring([NEW]).rotate(Keyring([OLD]).encrypt("secret"))


def test_generate_key_gives_valid_distinct_keys() -> None:
    keys = {generate_key() for _ in range(5)}

    assert len(keys) == 5
    for key in keys:
        assert isinstance(key, str)
        assert len(base64.urlsafe_b64decode(key)) == 32
        Fernet(key.encode())  # accepted
        assert Keyring([key]).decrypt(Keyring([key]).encrypt("x")) == "x"


def test_an_empty_keyring_is_rejected() -> None:
    with pytest.raises(ValueError, match="at least one key"):
        Keyring([])


def test_an_invalid_key_is_rejected() -> None:
    with pytest.raises(ValueError):
        Keyring([NEW, "not-a-fernet-key"])
