from odoo import fields, models


class HmsCharge(models.Model):
    _inherit = "hms.charge"

    credited_qty = fields.Float(
        "Credited Quantity",
        readonly=True,
        copy=False,
        digits="Product Unit of Measure",
        help="Units returned after invoicing, credited to whoever was billed.",
    )
    return_credit_line_ids = fields.One2many(
        "account.move.line", "hms_returned_charge_id", "Return Credit Lines", readonly=True
    )

    def _hms_returnable_qty(self):
        """Units of this charge that a return may still bill back."""
        self.ensure_one()
        if self.state in ("to_bill", "covered"):
            return self.quantity
        if self.state == "invoiced":
            return self.quantity - self.credited_qty
        return 0.0

    def _hms_return(self, quantity, reference):
        """Bill back ``quantity`` returned units: fewer units (or a waiver when all come back)
        while the charge is not invoiced, else a posted credit note to each billed party for
        their share of the returned units."""
        self.ensure_one()
        reason = self.env._(
            "%(quantity)s returned (%(reference)s)", quantity=quantity, reference=reference
        )
        if self.state in ("to_bill", "covered"):
            if quantity >= self.quantity:
                self._action_waive(reason)
            else:
                self.write({"quantity": self.quantity - quantity, "note": reason})
            return self.env["account.move"]
        refunds = self._hms_credit(quantity, reason)
        self.credited_qty += quantity
        return refunds

    def _hms_billed_lines(self):
        """The lines of the invoices that bill this charge now (reversed invoices left out)."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(lambda line: line.parent_state != "cancel")
        reversed_moves = lines.move_id.filtered(
            lambda m: m.move_type == "out_refund"
        ).reversed_entry_id
        return lines.filtered(
            lambda line: (
                line.move_id.move_type == "out_invoice" and line.move_id not in reversed_moves
            )
        )

    def _hms_credit(self, quantity, reason):
        """Post one credit note per billed share for ``quantity`` units of this charge and settle
        it against the open invoice; return the credit notes."""
        Move = self.env["account.move"].sudo()
        refunds = Move
        for line in self._hms_billed_lines():
            invoice = line.move_id
            refund = Move.with_company(invoice.company_id).create(
                {
                    "move_type": "out_refund",
                    "company_id": invoice.company_id.id,
                    "partner_id": invoice.partner_id.id,
                    "hms_patient_id": invoice.hms_patient_id.id,
                    "hms_share": invoice.hms_share,
                    "reversed_entry_id": invoice.id if invoice.state == "posted" else False,
                    "invoice_origin": invoice.name,
                    "ref": reason,
                    "invoice_line_ids": [
                        fields.Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": f"{line.name} — {reason}",
                                "quantity": quantity,
                                "price_unit": line.price_unit,
                                "tax_ids": [fields.Command.set(line.tax_ids.ids)],
                                "hms_returned_charge_id": self.id,
                            }
                        )
                    ],
                }
            )
            refund.action_post()
            if invoice.state == "posted" and invoice.payment_state in ("not_paid", "partial"):
                receivable = (invoice.line_ids | refund.line_ids).filtered(
                    lambda aml: (
                        aml.account_id.account_type == "asset_receivable" and not aml.reconciled
                    )
                )
                receivable.reconcile()
            refunds |= refund
        return refunds
