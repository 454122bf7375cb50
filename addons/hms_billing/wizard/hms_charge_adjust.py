from odoo import fields, models


class HmsChargeAdjust(models.TransientModel):
    """Waive charges, or change their unit price, with the reason."""

    _name = "hms.charge.adjust"
    _description = "Waive or Adjust Charges"

    charge_ids = fields.Many2many("hms.charge", string="Charges", required=True)
    operation = fields.Selection(
        [("waive", "Waive"), ("adjust", "Adjust the Price")], required=True, default="waive"
    )
    price_unit = fields.Float("New Unit Price")
    reason = fields.Text(required=True)

    def action_apply(self):
        """Apply the waiver or the new price to the charges."""
        self.ensure_one()
        if self.operation == "waive":
            self.charge_ids._action_waive(self.reason)
        else:
            self.charge_ids._action_adjust(self.price_unit, self.reason)
        return {"type": "ir.actions.act_window_close"}
