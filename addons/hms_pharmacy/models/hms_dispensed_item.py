from odoo import api, fields, models


class HmsDispensedItem(models.Model):
    """A billable dispensed quantity (negative for a return), one per stock move line.

    ``reference`` is stable and unique, so that billing charges each item exactly once.
    Items are written by the dispensing itself, never by hand.
    """

    _name = "hms.dispensed.item"
    _description = "Dispensed Item"
    _inherit = ["hms.append.only.mixin"]
    _order = "date desc, id desc"
    _rec_name = "reference"
    _check_company_auto = True

    reference = fields.Char(required=True, readonly=True, index=True)
    date = fields.Datetime(required=True, readonly=True, index=True)
    move_line_id = fields.Many2one(
        "stock.move.line",
        "Stock Move Line",
        required=True,
        readonly=True,
        ondelete="restrict",
        groups="stock.group_stock_user",
    )
    prescription_id = fields.Many2one(
        "hms.prescription", "Prescription", readonly=True, index=True, ondelete="restrict"
    )
    prescription_line_id = fields.Many2one(
        "hms.prescription.line", "Prescription Line", readonly=True, ondelete="restrict"
    )
    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, readonly=True, index=True, ondelete="restrict"
    )
    encounter_id = fields.Many2one("hms.encounter", "Encounter", readonly=True, index=True)
    company_id = fields.Many2one("res.company", "Clinic", required=True, readonly=True, index=True)
    product_id = fields.Many2one("product.product", "Product", required=True, readonly=True)
    lot_id = fields.Many2one("stock.lot", "Lot", readonly=True)
    quantity = fields.Float(required=True, readonly=True, digits="Product Unit of Measure")
    uom_id = fields.Many2one("uom.uom", "Unit", required=True, readonly=True)
    price_unit = fields.Float("Unit Price", readonly=True, digits="Product Price")
    amount = fields.Float(compute="_compute_amount", store=True, digits="Product Price")
    is_return = fields.Boolean("Return", readonly=True)

    _sql_constraints = [
        ("reference_unique", "UNIQUE(reference)", "A dispensed item is recorded once."),
        ("move_line_unique", "UNIQUE(move_line_id)", "A stock move line is one item."),
    ]

    @api.depends("quantity", "price_unit")
    def _compute_amount(self):
        for item in self:
            item.amount = item.quantity * item.price_unit

    @api.model
    def _hms_record(self, move_lines):
        """Items of done move lines of prescription moves (returns count negative)."""
        values = []
        for move_line in move_lines:
            move = move_line.move_id
            line = move.hms_prescription_line_id
            sign = 1 if move.location_dest_id.usage == "customer" else -1
            prescription = line.prescription_id
            values.append(
                {
                    "reference": f"RXD-{move_line.id}",
                    "date": move_line.date or fields.Datetime.now(),
                    "move_line_id": move_line.id,
                    "prescription_id": prescription.id,
                    "prescription_line_id": line.id,
                    "patient_id": prescription.patient_id.id,
                    "encounter_id": prescription.encounter_id.id,
                    "company_id": move.company_id.id,
                    "product_id": move_line.product_id.id,
                    "lot_id": move_line.lot_id.id,
                    "quantity": sign * move_line.quantity,
                    "uom_id": move_line.product_uom_id.id,
                    "price_unit": move_line.product_id.lst_price,
                    "is_return": sign < 0,
                }
            )
        return self.sudo().create(values)
