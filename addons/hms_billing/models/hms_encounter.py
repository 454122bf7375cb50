from odoo import api, fields, models

BILLING_STATES = [
    ("none", "Nothing to Bill"),
    ("to_bill", "To Bill"),
    ("invoiced", "Invoiced"),
    ("partial", "Partly Paid"),
    ("paid", "Paid"),
    ("overdue", "Overdue"),
]


class HmsEncounter(models.Model):
    _inherit = "hms.encounter"

    charge_ids = fields.One2many(
        "hms.charge", "encounter_id", "Charges", groups="hms_base.group_hms_billing_clerk"
    )
    billing_state = fields.Selection(
        BILLING_STATES,
        "Billing",
        compute="_compute_billing_state",
        help="Where the bill of this consultation stands; clinical staff see this, not the bill.",
    )

    @api.depends("charge_ids.state", "charge_ids.invoice_line_ids.move_id.payment_state")
    def _compute_billing_state(self):
        for encounter in self:
            encounter.billing_state = encounter.sudo().charge_ids._hms_billing_state()

    def _hms_on_consultation_done(self):
        result = super()._hms_on_consultation_done()
        charges = self._hms_charge_consultation()
        for company in charges.company_id:
            policy = company.hms_invoice_on_close
            # A clinic whose accounting is not set up yet keeps its charges to bill.
            if policy != "manual" and company._hms_can_invoice():
                to_bill = charges.filtered(
                    lambda c, co=company: c.company_id == co and c.state == "to_bill"
                )
                if to_bill:
                    to_bill.sudo()._hms_invoice(post=policy == "posted")
        return result

    def _hms_charge_consultation(self):
        """The consultation charge of each closed encounter (at most one each, ever)."""
        vals_list = []
        Charge = self.env["hms.charge"]
        for encounter in self.filtered(lambda e: e.state == "closed"):
            product = (
                encounter.appointment_id.appointment_type_id.product_id
                or encounter.practitioner_id.consultation_product_id
            )
            date = fields.Date.context_today(self, encounter.date_start)
            price = product and Charge._hms_price(
                product, encounter.patient_id, encounter.company_id, 1.0, date
            )
            if not product or price <= 0:
                continue
            vals_list.append(
                {
                    "res_model": encounter._name,
                    "res_id": encounter.id,
                    "code": "consultation",
                    "name": product.display_name,
                    "patient_id": encounter.patient_id.id,
                    "encounter_id": encounter.id,
                    "practitioner_id": encounter.practitioner_id.id,
                    "company_id": encounter.company_id.id,
                    "date": date,
                    "product_id": product.id,
                    "quantity": 1.0,
                    "price_unit": price,
                }
            )
        return self.env["hms.charge"].sudo()._hms_record(vals_list)

    def action_view_invoices(self):
        """The invoices of this consultation's charges."""
        self.ensure_one()
        moves = self.charge_ids.invoice_line_ids.move_id
        return moves._get_records_action(name=self.env._("Invoices"))

    def action_bill(self):
        """Invoice what this consultation left to bill."""
        moves = self.env["hms.charge"]._hms_bill_encounters(self.ids)
        return moves._get_records_action(name=self.env._("Invoices"))
