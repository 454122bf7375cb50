from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class HmsClaimLine(models.Model):
    """One claimed line of an insurer's invoice and the insurer's answer to it.

    The part the insurer does not pay is credited on its invoice (a credit note that is not a
    ledger reversal: the charge stays invoiced) and then either re-billed to the patient, whose
    invoice line points to the same charge, or written off with the reason.
    """

    _name = "hms.claim.line"
    _description = "Insurance Claim Line"
    _order = "claim_id, date, move_id, id"
    _check_company_auto = True

    claim_id = fields.Many2one(
        "hms.claim", "Claim", required=True, index=True, ondelete="cascade", readonly=True
    )
    claim_state = fields.Selection(related="claim_id.state", string="Claim Status")
    company_id = fields.Many2one(related="claim_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="claim_id.currency_id")
    move_line_id = fields.Many2one(
        "account.move.line",
        "Invoice Line",
        required=True,
        readonly=True,
        ondelete="restrict",
        check_company=True,
    )
    move_id = fields.Many2one(related="move_line_id.move_id", string="Invoice", store=True)
    charge_id = fields.Many2one(
        "hms.charge", "Charge", compute="_compute_from_invoice_line", store=True, readonly=True
    )
    patient_id = fields.Many2one(
        "hms.patient", "Patient", compute="_compute_from_invoice_line", store=True, index=True
    )
    product_id = fields.Many2one(related="move_line_id.product_id", string="Service")
    date = fields.Date("Date of Service", compute="_compute_from_invoice_line", store=True)
    amount_claimed = fields.Monetary(compute="_compute_from_invoice_line", store=True)
    amount_accepted = fields.Monetary(readonly=True, copy=False)
    state = fields.Selection(
        [
            ("pending", "Waiting"),
            ("accepted", "Accepted"),
            ("partial", "Partly Accepted"),
            ("denied", "Denied"),
        ],
        default="pending",
        required=True,
        readonly=True,
        copy=False,
    )
    denial_reason = fields.Char(readonly=True, copy=False)
    settlement = fields.Selection(
        [("rebilled", "Re-billed to the Patient"), ("written_off", "Written Off")],
        readonly=True,
        copy=False,
        help="What became of the part the insurer does not pay.",
    )
    write_off_reason = fields.Char(readonly=True, copy=False)
    credit_note_id = fields.Many2one("account.move", "Insurer Credit Note", readonly=True)
    rebill_move_id = fields.Many2one("account.move", "Patient Invoice", readonly=True)

    _sql_constraints = [
        ("move_line_unique", "UNIQUE(move_line_id)", "This invoice line is already claimed."),
        (
            "amount_accepted_range",
            "CHECK(amount_accepted >= 0 AND amount_accepted <= amount_claimed)",
            "The accepted amount is between zero and the amount claimed.",
        ),
    ]

    @api.depends("move_line_id")
    def _compute_from_invoice_line(self):
        for line in self:
            invoice_line = line.move_line_id
            charge = invoice_line.hms_charge_ids[:1]
            line.charge_id = charge
            line.patient_id = invoice_line.move_id.hms_patient_id
            line.date = invoice_line.hms_service_date or charge.date
            line.amount_claimed = invoice_line.price_total

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(line.claim_id.state != "draft" for line in self):
            raise UserError(self.env._("The lines of a submitted claim are never deleted."))

    # ------------------------------------------------------------------ actions
    def action_open_answer(self):
        """Record the insurer's answer to these lines."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Insurer's Answer"),
            "res_model": "hms.claim.answer",
            "view_mode": "form",
            "target": "new",
            "context": {"default_line_ids": self.ids},
        }

    def _action_answer(self, answer, amount_accepted=None, reason=None):
        """Record the insurer's answer: ``accepted``, ``partial`` (with the accepted amount)
        or ``denied`` (with the reason)."""
        for line in self:
            if line.claim_id.state == "draft":
                raise UserError(
                    self.env._(
                        "%(claim)s is a draft: submit it before answering its lines.",
                        claim=line.claim_id.name,
                    )
                )
            if line.state != "pending":
                raise UserError(
                    self.env._(
                        "This line of %(claim)s is already answered.", claim=line.claim_id.name
                    )
                )
        if answer == "denied" and not (reason or "").strip():
            raise UserError(self.env._("Give the insurer's reason for denying the line."))
        if answer not in ("accepted", "partial", "denied"):
            raise UserError(self.env._("Unknown answer: %(answer)s.", answer=answer))
        if answer == "partial":
            # Every line is checked before any is written.
            for line in self:
                if not 0 < (amount_accepted or 0.0) < line.amount_claimed:
                    raise ValidationError(
                        self.env._(
                            "Accepted amount: more than zero and less than the %(amount)s "
                            "claimed for a partly accepted line.",
                            amount=line.amount_claimed,
                        )
                    )
        for line in self:
            accepted = {
                "accepted": line.amount_claimed,
                "partial": amount_accepted,
                "denied": 0.0,
            }[answer]
            line.write(
                {"state": answer, "amount_accepted": accepted, "denial_reason": reason or False}
            )
        self.claim_id._hms_update_state()

    def _hms_check_settleable(self):
        for line in self:
            if line.state not in ("denied", "partial"):
                raise UserError(
                    self.env._("Only a denied or partly accepted line is re-billed or written off.")
                )
            if line.settlement:
                raise UserError(self.env._("This line is already re-billed or written off."))

    def _action_rebill(self):
        """Credit the unpaid part on the insurer's invoice and bill it to the patient."""
        self.check_access("write")
        self._hms_check_settleable()
        for line in self:
            credit_note = line._hms_credit_insurer(self.env._("Denied by the insurer"))
            invoice = line._hms_rebill_patient(credit_note.amount_untaxed)
            line.write(
                {
                    "settlement": "rebilled",
                    "credit_note_id": credit_note.id,
                    "rebill_move_id": invoice.id,
                }
            )
            line.claim_id.message_post(
                body=self.env._(
                    "%(service)s of %(patient)s re-billed to the patient: %(invoice)s.",
                    service=line.product_id.display_name,
                    patient=line.patient_id.name,
                    invoice=invoice.name,
                )
            )

    def _action_write_off(self, reason):
        """Credit the unpaid part on the insurer's invoice and write it off with the reason."""
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason for writing the line off."))
        self.check_access("write")
        self._hms_check_settleable()
        for line in self:
            credit_note = line._hms_credit_insurer(reason)
            line.write(
                {
                    "settlement": "written_off",
                    "write_off_reason": reason,
                    "credit_note_id": credit_note.id,
                }
            )
            line.claim_id.message_post(
                body=self.env._(
                    "%(service)s of %(patient)s written off: %(reason)s",
                    service=line.product_id.display_name,
                    patient=line.patient_id.name,
                    reason=reason,
                )
            )

    # ------------------------------------------------------------------ accounting
    def _hms_credit_insurer(self, reason):
        """A posted credit note of the unpaid part on the insurer's invoice, reconciled."""
        self.ensure_one()
        invoice_line = self.move_line_id
        invoice = invoice_line.move_id
        unpaid = self.amount_claimed - self.amount_accepted
        # The claimed amount includes the line's taxes: credit the matching untaxed part.
        untaxed = self.currency_id.round(invoice_line.price_subtotal * unpaid / self.amount_claimed)
        credit_note = (
            self.env["account.move"]
            .sudo()
            .with_company(invoice.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "company_id": invoice.company_id.id,
                    "journal_id": invoice.journal_id.id,
                    "partner_id": invoice.partner_id.id,
                    "hms_patient_id": invoice.hms_patient_id.id,
                    "hms_share": "payer",
                    "reversed_entry_id": invoice.id,
                    "ref": reason,
                    "invoice_origin": self.claim_id.name,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": invoice_line.product_id.id,
                                "name": invoice_line.name,
                                "account_id": invoice_line.account_id.id,
                                "quantity": 1.0,
                                "price_unit": untaxed,
                                "tax_ids": [fields.Command.set(invoice_line.tax_ids.ids)],
                                "hms_policy_id": invoice_line.hms_policy_id.id,
                                "hms_service_date": invoice_line.hms_service_date,
                            }
                        )
                    ],
                }
            )
        )
        credit_note.action_post()
        receivable = (invoice.line_ids | credit_note.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if len(receivable.move_id) == 2:
            receivable.reconcile()
        return credit_note.with_env(self.env)

    def _hms_rebill_patient(self, untaxed):
        """A posted patient invoice of ``untaxed`` for the charge, linked to it in the ledger."""
        self.ensure_one()
        charge = self.charge_id
        invoice = self.move_id
        patient_invoice = (
            self.env["account.move"]
            .sudo()
            .with_company(invoice.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": invoice.company_id.id,
                    "partner_id": self.patient_id.partner_id.id,
                    "hms_patient_id": self.patient_id.id,
                    "hms_share": "patient",
                    "invoice_origin": self.claim_id.name,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": self.move_line_id.product_id.id,
                                "name": self.env._(
                                    "%(service)s — %(patient)s, not paid by %(insurer)s",
                                    service=charge.name or self.move_line_id.name,
                                    patient=self.patient_id.name,
                                    insurer=self.claim_id.payer_id.name,
                                ),
                                "quantity": 1.0,
                                "price_unit": untaxed,
                                "hms_charge_ids": [fields.Command.link(charge.id)]
                                if charge
                                else [],
                            }
                        )
                    ],
                }
            )
        )
        patient_invoice.action_post()
        return patient_invoice.with_env(self.env)
