"""Encryption at rest for confidential fields.

Keys come from the server configuration (``hms_encryption_keys`` in odoo.conf) or,
failing that, the ``HMS_ENCRYPTION_KEYS`` environment variable: a comma-separated
list of Fernet keys, newest first. The first key encrypts; every key decrypts, so
a new key can be put in front and old tokens re-encrypted with :func:`rotate`.
Keys never reach the database.
"""

import functools
import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from odoo.exceptions import UserError
from odoo.tools import config
from odoo.tools.translate import LazyTranslate

KEY_OPTION = "hms_encryption_keys"
KEY_ENV = "HMS_ENCRYPTION_KEYS"

# No env here: messages take the request's language, else English.
_lt = LazyTranslate(__name__, default_lang="en_US")


def _error(message, **values):
    return UserError(str(_lt(message, **values)))


def configured_keys():
    """Return the raw key list of the server configuration or the environment."""
    return config.get(KEY_OPTION) or os.environ.get(KEY_ENV) or ""


@functools.lru_cache(maxsize=8)
def _cipher(raw_keys):
    keys = [key.strip() for key in raw_keys.split(",") if key.strip()]
    if not keys:
        raise _error(
            "No encryption key is configured: set %(option)s in the server "
            "configuration (or %(env)s) before storing confidential data.",
            option=KEY_OPTION,
            env=KEY_ENV,
        )
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise _error(
            "The configured encryption key %(option)s is malformed.", option=KEY_OPTION
        ) from exc


def encrypt(text):
    """Encrypt ``text`` with the primary key; empty values stay empty."""
    if not text:
        return text
    return _cipher(configured_keys()).encrypt(text.encode()).decode()


def decrypt(token):
    """Decrypt a token written by :func:`encrypt`; a wrong key is an error, never plaintext."""
    if not token:
        return token
    try:
        return _cipher(configured_keys()).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise _error(
            "Confidential data cannot be decrypted with the configured keys. "
            "Check %(option)s in the server configuration.",
            option=KEY_OPTION,
        ) from exc


def rotate(token):
    """Re-encrypt a token with the primary key (after a new key was put first)."""
    if not token:
        return token
    try:
        return _cipher(configured_keys()).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise _error("A token cannot be rotated: none of the configured keys opens it.") from exc


def generate_key():
    """Return a new key suitable for ``hms_encryption_keys``."""
    return Fernet.generate_key().decode()
