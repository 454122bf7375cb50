from odoo import api, fields, models

from .hms_encounter import BILLING_STATES


class HmsPatient(models.Model):
    _inherit = "hms.patient"

    charge_ids = fields.One2many(
        "hms.charge", "patient_id", "Charges", groups="hms_base.group_hms_billing_clerk"
    )
    invoice_ids = fields.One2many(
        "account.move", "hms_patient_id", "Invoices", groups="account.group_account_invoice"
    )
    invoice_count = fields.Integer(compute="_compute_invoice_count")
    billing_state = fields.Selection(BILLING_STATES, "Billing", compute="_compute_billing_state")

    @api.depends("invoice_ids")
    def _compute_invoice_count(self):
        for patient in self:
            patient.invoice_count = len(patient.sudo().invoice_ids)

    @api.depends("charge_ids.state", "charge_ids.invoice_line_ids.move_id.payment_state")
    def _compute_billing_state(self):
        for patient in self:
            patient.billing_state = patient.sudo().charge_ids._hms_billing_state()

    def action_view_invoices(self):
        """The patient's invoices (both shares)."""
        self.ensure_one()
        return self.invoice_ids._get_records_action(name=self.env._("Invoices"))
