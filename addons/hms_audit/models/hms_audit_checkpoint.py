import base64
import hashlib
import json
import logging
import os

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from odoo import api, fields, models
from odoo.tools import config

from ..tools.fields import BigInteger

_logger = logging.getLogger(__name__)


def load_signing_key():
    """The Ed25519 private key named by the server option ``hms_audit_signing_key``, or None."""
    path = config.get("hms_audit_signing_key")
    if not path:
        return None
    with open(path, "rb") as handle:
        return serialization.load_pem_private_key(handle.read(), password=None)


def key_fingerprint(public_key):
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


class HmsAuditCheckpoint(models.Model):
    """The head of the chain signed with a key kept outside the database.

    Whoever rewrites the whole chain consistently still cannot sign the new head: a checkpoint
    whose signed hash no longer matches the event at its sequence gives the rewrite away.
    """

    _name = "hms.audit.checkpoint"
    _inherit = ["hms.append.only.mixin"]
    _description = "Signed Audit Checkpoint"
    _order = "sequence desc"

    sequence = BigInteger(required=True, readonly=True, aggregator=None)
    head_hash = fields.Char(required=True, readonly=True)
    signature = fields.Char(required=True, readonly=True, help="Ed25519, base64.")
    key_fingerprint = fields.Char(readonly=True)
    database_uuid = fields.Char(readonly=True)
    export_line = fields.Char(
        compute="_compute_export_line", help="The checkpoint as a JSON line, to keep elsewhere."
    )

    def _compute_display_name(self):
        for checkpoint in self:
            checkpoint.display_name = f"#{checkpoint.sequence} {checkpoint.head_hash[:12]}"

    def _compute_export_line(self):
        for checkpoint in self:
            checkpoint.export_line = json.dumps(checkpoint._export_values(), sort_keys=True)

    def _export_values(self):
        return {
            "database_uuid": self.database_uuid,
            "sequence": self.sequence,
            "head_hash": self.head_hash,
            "signature": self.signature,
            "key_fingerprint": self.key_fingerprint,
            "signed_at": fields.Datetime.to_string(self.create_date),
        }

    @api.model
    def _message(self, database_uuid, sequence, head_hash):
        return f"hms-audit-checkpoint:{database_uuid}:{sequence}:{head_hash}".encode()

    @api.model
    def _create_checkpoint(self):
        """Sign the current head; None when no key is configured or the chain is empty."""
        key = load_signing_key()
        sequence, head_hash = self.env["hms.audit.event"]._head()
        if key is None or not sequence:
            return self.browse()
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        signature = key.sign(self._message(uuid, sequence, head_hash))
        checkpoint = self.sudo().create(
            {
                "sequence": sequence,
                "head_hash": head_hash,
                "signature": base64.b64encode(signature).decode(),
                "key_fingerprint": key_fingerprint(key.public_key()),
                "database_uuid": uuid,
            }
        )
        directory = config.get("hms_audit_checkpoint_dir")
        if directory:
            path = os.path.join(directory, f"hms-audit-checkpoints-{uuid}.jsonl")
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(checkpoint.export_line + "\n")
        return checkpoint

    @api.model
    def _cron_create_checkpoint(self):
        if load_signing_key() is None:
            _logger.info("hms_audit_signing_key is not set: no audit checkpoint signed")
            return
        self._create_checkpoint()

    @api.model
    def _verify_checkpoints(self):
        """A description of the first checkpoint the chain or the key contradicts, else ''."""
        public_key = self._public_key()
        for checkpoint in self.sudo().search([], order="sequence"):
            failure = checkpoint._failure(public_key)
            if failure:
                return failure
        return ""

    @api.model
    def _last_verified_sequence(self):
        """The sequence of the latest checkpoint signed by the configured key that the chain
        still holds: verification may start there instead of the first event. 0 if none."""
        public_key = self._public_key()
        if public_key is None:
            return 0
        fingerprint = key_fingerprint(public_key)
        for checkpoint in self.sudo().search([("key_fingerprint", "=", fingerprint)]):
            if not checkpoint._failure(public_key):
                return checkpoint.sequence
        return 0

    @api.model
    def _public_key(self):
        key = load_signing_key()
        return key.public_key() if key else None

    def _failure(self, public_key):
        """What contradicts this checkpoint: the chain no longer holds its hash, or (when it
        was signed by ``public_key``) its signature is wrong; '' when nothing does. The chain
        holds it live or archived."""
        self.ensure_one()
        Event = self.env["hms.audit.event"]
        # An event moved out to cold storage is checked there; its signature still is here.
        moved_out = self.sequence < Event._first_held_sequence()
        if not moved_out and Event._hash_at(self.sequence) != self.head_hash:
            return self.env._(
                "Checkpoint %(sequence)s: the chain no longer holds the signed hash.",
                sequence=self.sequence,
            )
        if public_key is not None and self.key_fingerprint == key_fingerprint(public_key):
            message = self._message(self.database_uuid, self.sequence, self.head_hash)
            try:
                public_key.verify(base64.b64decode(self.signature), message)
            except InvalidSignature:
                return self.env._(
                    "Checkpoint %(sequence)s: the signature is not valid.", sequence=self.sequence
                )
        return ""
