import time

from odoo import api, fields, models

from ..tools.fields import BigInteger


class HmsAuditVerification(models.Model):
    _name = "hms.audit.verification"
    _description = "Audit Chain Verification"
    _inherit = ["mail.thread"]
    _order = "id desc"

    state = fields.Selection(
        [("valid", "Valid"), ("broken", "Broken")], required=True, readonly=True, tracking=True
    )
    # Sequences and counts of the chain are 64-bit, like the chain's own sequence.
    events_checked = BigInteger(readonly=True)
    head_sequence = BigInteger(readonly=True, aggregator=None)
    first_broken_sequence = BigInteger(
        readonly=True,
        aggregator=None,
        help="The first event whose hash or link to its predecessor is wrong.",
    )
    unsealed_count = fields.Integer(
        "Pending Events", readonly=True, help="Events committed but not yet placed in the chain."
    )
    checkpoint_failure = fields.Text(readonly=True)
    duration = fields.Float("Duration (s)", readonly=True, digits=(16, 3))
    events_per_second = fields.Integer(readonly=True, aggregator="avg")

    def _compute_display_name(self):
        for check in self:
            check.display_name = self.env._(
                "Verification of %(date)s", date=fields.Datetime.to_string(check.create_date)
            )

    @api.model
    def _verify(self, from_checkpoint=False, archive=False):
        """Walk the chain and the signed checkpoints; the result as a dict (used by the CLI).

        ``from_checkpoint``: start at the latest checkpoint that the configured key signed and
        the chain still holds, instead of the first live event: what comes before it was
        verified when that checkpoint was signed, and is vouched for by its signature.
        ``archive``: walk the archived events instead of the live ones.
        """
        start = time.perf_counter()
        Checkpoint = self.env["hms.audit.checkpoint"]
        Event = self.env["hms.audit.event"]
        from_sequence = Checkpoint._last_verified_sequence() if from_checkpoint else 0
        if archive:
            from_sequence = 0
            result = Event._verify_archive()
        else:
            result = Event._verify_chain(from_sequence)
        result["from_sequence"] = from_sequence
        result["checkpoint_failure"] = Checkpoint._verify_checkpoints()
        result["duration"] = time.perf_counter() - start
        result["valid"] = not result["broken"] and not result["checkpoint_failure"]
        return result

    @api.model
    def _run_verification(self):
        """Verify, keep the outcome, and alert the auditors when the chain is broken."""
        result = self._verify()
        check = self.sudo().create(
            {
                "state": "valid" if result["valid"] else "broken",
                "events_checked": result["count"],
                "head_sequence": result["head"],
                "first_broken_sequence": result["broken"] or 0,
                "unsealed_count": result["unsealed"],
                "checkpoint_failure": result["checkpoint_failure"] or False,
                "duration": result["duration"],
                "events_per_second": result["count"] / result["duration"]
                if result["duration"]
                else 0,
            }
        )
        if not result["valid"]:
            auditors = self.env.ref("hms_base.group_hms_auditor").users
            check.message_post(
                subject=self.env._("Audit trail: the chain is broken"),
                body=self.env._(
                    "Verification found the audit chain broken at event %(sequence)s. %(detail)s",
                    sequence=result["broken"] or "-",
                    detail=result["checkpoint_failure"] or "",
                ),
                partner_ids=auditors.partner_id.ids,
                message_type="notification",
                subtype_xmlid="mail.mt_comment",
            )
        return check

    def action_verify_now(self):
        """Button: verify the chain now and show the result."""
        self.check_access("read")
        check = self._run_verification()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": check.id,
            "view_mode": "form",
        }

    @api.model
    def _cron_verify(self):
        self._run_verification()
