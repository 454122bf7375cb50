import os
import shutil
import tempfile
from contextlib import contextmanager
from unittest.mock import patch

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from odoo.tools import config

from odoo.addons.hms_patient.tests.common import HmsPatientCase, HmsPatientCommon


class HmsAuditCommon(HmsPatientCommon):
    """The patient fixture plus helpers to look at the events an action appends."""

    def audit_mark(self):
        """Seal what the fixture appended; later events have a greater id."""
        self.env["hms.audit.event"]._seal()
        self.env.cr.execute("SELECT COALESCE(max(id), 0) FROM hms_audit_event")
        return self.env.cr.fetchone()[0]

    def events_since(self, mark, **filters):
        """The events appended after ``mark``, sealed, oldest first."""
        Event = self.env["hms.audit.event"]
        Event._seal()
        domain = [("id", ">", mark)] + [(k, "=", v) for k, v in filters.items()]
        return Event.sudo().search(domain, order="id")

    def use_signing_key(self):
        """A fresh signing key and checkpoint directory configured for this test; the directory."""
        directory = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, directory)
        key_path = os.path.join(directory, "signing.pem")
        with open(key_path, "wb") as handle:
            handle.write(
                Ed25519PrivateKey.generate().private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        options = {"hms_audit_signing_key": key_path, "hms_audit_checkpoint_dir": directory}
        patcher = patch.dict(config.options, options)
        patcher.start()
        self.addCleanup(patcher.stop)
        return directory

    @contextmanager
    def tampering(self):
        """Superuser with the append-only trigger disabled, undone when the block ends."""
        with self.env.cr.savepoint(flush=False) as savepoint:
            self.env.cr.execute("ALTER TABLE hms_audit_event DISABLE TRIGGER USER")
            yield self.env.cr
            savepoint.rollback()
        self.env.invalidate_all()


class HmsAuditCase(HmsAuditCommon, HmsPatientCase):
    """Base case of the audit tests: setUp seals the fixture's events and marks the head."""

    def setUp(self):
        super().setUp()
        self.mark = self.audit_mark()
