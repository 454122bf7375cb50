import base64
import json
import os
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import config

from .common import HmsAuditCase


@tagged("post_install", "-at_install")
class TestAuditCheckpoint(HmsAuditCase):
    def setUp(self):
        super().setUp()
        self.directory = self.use_signing_key()
        self.env["hms.patient"].create({"name": "Checkpointed"})
        self.env["hms.audit.event"]._seal()
        self.Checkpoint = self.env["hms.audit.checkpoint"]

    def test_head_is_signed_exported_and_verified(self):
        checkpoint = self.Checkpoint._create_checkpoint()
        sequence, head_hash = self.env["hms.audit.event"]._head()
        self.assertEqual((checkpoint.sequence, checkpoint.head_hash), (sequence, head_hash))
        self.assertEqual(len(base64.b64decode(checkpoint.signature)), 64)
        self.assertEqual(self.Checkpoint._verify_checkpoints(), "")
        exported = [f for f in os.listdir(self.directory) if f.endswith(".jsonl")]
        with open(os.path.join(self.directory, exported[0]), encoding="utf-8") as handle:
            line = json.loads(handle.readline())
        self.assertEqual(line["head_hash"], head_hash)
        with self.assertRaises(UserError):
            checkpoint.write({"head_hash": "0" * 64})

    def test_forged_signature_is_found(self):
        checkpoint = self.Checkpoint._create_checkpoint()
        forged = base64.b64encode(b"\0" * 64).decode()
        self.env.cr.execute(
            "UPDATE hms_audit_checkpoint SET signature = %s WHERE id = %s", [forged, checkpoint.id]
        )
        self.env.invalidate_all()
        self.assertIn("signature is not valid", self.Checkpoint._verify_checkpoints())

    def test_rewritten_chain_contradicts_the_checkpoint(self):
        checkpoint = self.Checkpoint._create_checkpoint()
        with self.tampering() as cr:
            # A consistent rewrite of the head: the chain itself verifies, the checkpoint does not.
            cr.execute(
                "UPDATE hms_audit_event SET reason = 'rewritten', event_hash = NULL"
                " WHERE sequence = %s",
                [checkpoint.sequence],
            )
            cr.execute(
                "UPDATE hms_audit_event e SET event_hash = hms_audit_hash(e) WHERE sequence = %s",
                [checkpoint.sequence],
            )
            result = self.env["hms.audit.verification"]._verify()
            self.assertIsNone(result["broken"])
            self.assertFalse(result["valid"])
            self.assertIn(str(checkpoint.sequence), result["checkpoint_failure"])

    def test_verification_from_the_last_checkpoint(self):
        self.Checkpoint._create_checkpoint()
        checkpoint = self.Checkpoint._create_checkpoint()  # the latest one is the start
        for name in ("After One", "After Two"):
            self.env["hms.patient"].create({"name": name})
        self.env["hms.audit.event"]._seal()
        head, _hash = self.env["hms.audit.event"]._head()
        result = self.env["hms.audit.verification"]._verify(from_checkpoint=True)
        self.assertTrue(result["valid"])
        self.assertEqual(result["from_sequence"], checkpoint.sequence)
        self.assertEqual(result["count"], head - checkpoint.sequence + 1)
        with self.tampering() as cr:
            cr.execute("UPDATE hms_audit_event SET reason = 'x' WHERE sequence = %s", [head])
            result = self.env["hms.audit.verification"]._verify(from_checkpoint=True)
            self.assertEqual(result["broken"], head)
        with patch.dict(config.options, {"hms_audit_signing_key": ""}):
            result = self.env["hms.audit.verification"]._verify(from_checkpoint=True)
        self.assertEqual(result["from_sequence"], 0, "no key: no signature to rely on")

    def test_no_key_no_checkpoint(self):
        with patch.dict(config.options, {"hms_audit_signing_key": ""}):
            self.Checkpoint._cron_create_checkpoint()
        self.assertFalse(self.Checkpoint.search([]))
