import os
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from odoo.addons.hms_base.tools import crypto

from .common import HmsCommon


@tagged("post_install", "-at_install")
class TestCrypto(HmsCommon, TransactionCase):
    def setUp(self):
        super().setUp()
        self.key_old = crypto.generate_key()
        self.key_new = crypto.generate_key()

    def keys(self, value):
        return patch.dict(config.options, {crypto.KEY_OPTION: value})

    def test_round_trip(self):
        with self.keys(self.key_old):
            token = crypto.encrypt("Patient disclosed a family history of depression.")
            self.assertNotIn("depression", token)
            self.assertEqual(
                crypto.decrypt(token), "Patient disclosed a family history of depression."
            )
            # Two encryptions of the same text differ (random IV): no equality leak.
            self.assertNotEqual(crypto.encrypt("same"), crypto.encrypt("same"))
            self.assertFalse(crypto.encrypt(""))
            self.assertFalse(crypto.decrypt(False))

    def test_rotation(self):
        with self.keys(self.key_old):
            token = crypto.encrypt("confidential")
        # The new key goes first; old tokens still open, and rotate re-encrypts them.
        with self.keys(f"{self.key_new},{self.key_old}"):
            self.assertEqual(crypto.decrypt(token), "confidential")
            rotated = crypto.rotate(token)
            self.assertNotEqual(rotated, token)
        # Once every token is rotated the old key can be dropped.
        with self.keys(self.key_new):
            self.assertEqual(crypto.decrypt(rotated), "confidential")
            with self.assertRaises(UserError):
                crypto.decrypt(token)

    def test_wrong_key_is_an_error_never_plaintext(self):
        with self.keys(self.key_old):
            token = crypto.encrypt("confidential")
        with self.keys(self.key_new), self.assertRaisesMessage(UserError, "cannot be decrypted"):
            crypto.decrypt(token)

    def test_missing_or_malformed_key(self):
        with self.keys(""), patch.dict(os.environ, {crypto.KEY_ENV: ""}):
            with self.assertRaisesMessage(UserError, "No encryption key"):
                crypto.encrypt("confidential")
        with self.keys("not-a-key"), self.assertRaisesMessage(UserError, "malformed"):
            crypto.encrypt("confidential")

    def test_environment_fallback(self):
        with self.keys(""), patch.dict(os.environ, {crypto.KEY_ENV: self.key_new}):
            token = crypto.encrypt("from the environment")
        with self.keys(self.key_new):
            self.assertEqual(crypto.decrypt(token), "from the environment")
