from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsBillingPackageLine(models.Model):
    """A service a package covers, and how many times."""

    _name = "hms.billing.package.line"
    _description = "Billing Package Service"
    _order = "package_id, id"
    _check_company_auto = True

    package_id = fields.Many2one(
        "hms.billing.package", "Package", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="package_id.company_id", store=True, index=True)
    product_id = fields.Many2one(
        "product.product", "Service", required=True, check_company=True, ondelete="restrict"
    )
    quantity = fields.Float(required=True, default=1.0, digits="Product Unit of Measure")

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "Quantity: must be more than zero."),
        (
            "product_unique",
            "UNIQUE(package_id, product_id)",
            "A package lists each service once.",
        ),
    ]

    @api.constrains("quantity")
    def _check_quantity(self):
        for line in self:
            self._hms_check_quantity({"quantity": line.quantity})

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._hms_check_quantity(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._hms_check_quantity(vals)
        return super().write(vals)

    @api.model
    def _hms_check_quantity(self, vals):
        if "quantity" in vals and not (vals["quantity"] or 0) > 0:
            raise ValidationError(self.env._("Quantity: must be more than zero."))
