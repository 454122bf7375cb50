from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsBillingPackage(models.Model):
    """A fixed-price package of services (e.g. antenatal care: 4 consultations, 2 lab tests),
    sold to patients of one clinic and valid for a number of days from the sale."""

    _name = "hms.billing.package"
    _description = "Billing Package"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one(
        "product.product",
        "Package Product",
        required=True,
        check_company=True,
        domain=[("type", "=", "service")],
        help="The service the package is invoiced as.",
    )
    price = fields.Monetary(
        compute="_compute_price",
        store=True,
        readonly=False,
        required=True,
        help="What the patient pays once for everything the package covers.",
    )
    validity_days = fields.Integer(
        "Validity (Days)", required=True, default=280, help="How long the package covers services."
    )
    line_ids = fields.One2many(
        "hms.billing.package.line", "package_id", "Covered Services", copy=True
    )
    description = fields.Text()

    _sql_constraints = [
        ("price_positive", "CHECK(price > 0)", "Price: must be more than zero."),
        ("validity_positive", "CHECK(validity_days > 0)", "Validity: must be more than zero."),
    ]

    @api.depends("product_id")
    def _compute_price(self):
        for package in self:
            package.price = package.product_id.lst_price

    @api.constrains("price", "validity_days")
    def _check_amounts(self):
        for package in self:
            self._hms_check_amounts(
                {"price": package.price, "validity_days": package.validity_days}
            )

    @api.constrains("line_ids")
    def _check_line_ids(self):
        for package in self:
            if not package.line_ids:
                raise ValidationError(
                    self.env._("%(package)s covers no service.", package=package.name)
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "price" not in vals and vals.get("product_id"):
                vals["price"] = self.env["product.product"].browse(vals["product_id"]).lst_price
            self._hms_check_amounts(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._hms_check_amounts(vals)
        return super().write(vals)

    @api.model
    def _hms_check_amounts(self, vals):
        """Refuse a zero or negative price or validity before the database's CHECK does."""
        for fname in ("price", "validity_days"):
            if fname in vals and not (vals[fname] or 0) > 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s: must be more than zero.", field=self._fields[fname].string
                    )
                )
