from odoo import api, fields, models


class HmsPatientPackageLine(models.Model):
    """A service of a sold package: how many it covers (written once, at the sale), how many
    the covered charges used."""

    _name = "hms.patient.package.line"
    _description = "Patient Package Consumption"
    _inherit = ["hms.append.only.mixin"]
    _order = "patient_package_id, id"
    _check_company_auto = True

    patient_package_id = fields.Many2one(
        "hms.patient.package", "Patient Package", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="patient_package_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product", "Service", required=True, check_company=True, ondelete="restrict"
    )
    quantity = fields.Float("Covered", required=True, digits="Product Unit of Measure")
    consumed_qty = fields.Float(
        "Used", compute="_compute_consumed_qty", store=True, digits="Product Unit of Measure"
    )
    remaining_qty = fields.Float(
        "Remaining", compute="_compute_consumed_qty", store=True, digits="Product Unit of Measure"
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "Quantity: must be more than zero."),
    ]

    @api.depends(
        "quantity",
        "patient_package_id.charge_ids.state",
        "patient_package_id.charge_ids.quantity",
        "patient_package_id.charge_ids.product_id",
    )
    def _compute_consumed_qty(self):
        for line in self:
            line.consumed_qty = sum(
                charge.quantity
                for charge in line.patient_package_id.charge_ids
                if charge.state == "covered" and charge.product_id == line.product_id
            )
            line.remaining_qty = line.quantity - line.consumed_qty
