from odoo import fields, models


class StockMove(models.Model):
    _inherit = "stock.move"

    # Copied onto return moves, so that a return counts in the line's ledger.
    hms_prescription_line_id = fields.Many2one(
        "hms.prescription.line", "Prescription Line", index="btree_not_null", readonly=True
    )

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        dispensed = moves.filtered(lambda m: m.state == "done" and m.hms_prescription_line_id)
        if dispensed:
            self.env["hms.dispensed.item"]._hms_record(dispensed.move_line_ids)
            prescriptions = dispensed.hms_prescription_line_id.prescription_id.sudo()
            prescriptions._hms_update_dispense_state()
        return moves
