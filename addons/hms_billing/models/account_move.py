from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    hms_patient_id = fields.Many2one(
        "hms.patient", "Patient", index="btree_not_null", readonly=True, copy=True
    )
    hms_share = fields.Selection(
        [("patient", "Patient"), ("payer", "Insurer")],
        "Billed Share",
        readonly=True,
        copy=True,
        help="Whose share of the charges this invoice bills.",
    )
    hms_charge_count = fields.Integer("Charges", compute="_compute_hms_charge_count")

    @api.depends("invoice_line_ids.hms_charge_ids")
    def _compute_hms_charge_count(self):
        for move in self:
            move.hms_charge_count = len(move.invoice_line_ids.hms_charge_ids)

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # The guardians of a patient see and pay the patient's invoices in the portal.
        for move in posted.filtered(lambda m: m.hms_share == "patient"):
            guardians = move.hms_patient_id.sudo().guardian_partner_ids
            if guardians and guardians - move.message_partner_ids:
                move.message_subscribe(guardians.ids)
        return posted

    def action_view_hms_charges(self):
        """The charges billed by this invoice."""
        self.ensure_one()
        return self.invoice_line_ids.hms_charge_ids._get_records_action(name=self.env._("Charges"))
