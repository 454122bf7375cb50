import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import float_compare

from .product_template import DOSE_UNITS, ROUTES

FREQUENCIES = [
    ("times_day", "Times a Day"),
    ("every_hours", "Every N Hours"),
    ("as_needed", "As Needed (max per day)"),
]


class HmsPrescriptionLine(models.Model):
    """One medicine of a prescription, locked with it once issued, and its dispensing ledger."""

    _name = "hms.prescription.line"
    _description = "Prescription Line"
    _inherit = ["hms.locked.mixin"]
    _order = "prescription_id, sequence, id"
    _check_company_auto = True

    _hms_locked_by = "prescription_id"
    # What may change on an issued line: the pharmacy's ledger and the safety review.
    _hms_review_fields = frozenset(
        {
            "qty_to_dispense",
            "safety_severity",
            "safety_findings",
            "override_reason",
            "override_findings",
            "override_by_id",
            "override_date",
        }
    )

    prescription_id = fields.Many2one(
        "hms.prescription", "Prescription", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(related="prescription_id.company_id", store=True, index=True)
    patient_id = fields.Many2one(
        related="prescription_id.patient_id", store=True, index=True, string="Patient"
    )
    state = fields.Selection(related="prescription_id.state", store=True, index=True)
    product_id = fields.Many2one(
        "product.product",
        "Medicine",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        domain="[('hms_is_medicine', '=', True)]",
    )
    uom_rounding = fields.Float(related="product_id.uom_id.rounding")
    dose = fields.Float(required=True, default=1.0, digits=(16, 3))
    dose_unit = fields.Selection(
        DOSE_UNITS,
        required=True,
        compute="_compute_dose_unit",
        store=True,
        readonly=False,
        precompute=True,
    )
    frequency_type = fields.Selection(FREQUENCIES, "Frequency", required=True, default="times_day")
    frequency_value = fields.Integer(
        "Times / Hours",
        required=True,
        default=1,
        help="Times a day, every N hours, or the most doses a day when taken as needed.",
    )
    duration_days = fields.Integer("Days", required=True, default=7)
    route = fields.Selection(
        ROUTES, compute="_compute_route", store=True, readonly=False, precompute=True
    )
    quantity = fields.Float(
        "Quantity per Fill",
        compute="_compute_quantity",
        store=True,
        readonly=False,
        precompute=True,
        help="Dose x frequency x days, rounded up to whole packs; editable.",
    )
    instructions = fields.Char()
    is_substitution_allowed = fields.Boolean("Substitution Allowed", default=True)
    refills = fields.Integer(default=0, help="Fills allowed after the first one.")

    move_ids = fields.One2many(
        "stock.move", "hms_prescription_line_id", "Stock Moves", groups="stock.group_stock_user"
    )
    qty_prescribed = fields.Float(
        "Prescribed", compute="_compute_qty_prescribed", store=True, help="All fills."
    )
    qty_dispensed = fields.Float("Dispensed", compute="_compute_ledger", store=True)
    qty_owed = fields.Float("Owed", compute="_compute_ledger", store=True)
    refills_used = fields.Integer(compute="_compute_ledger", store=True)
    qty_to_dispense = fields.Float(
        "To Dispense",
        compute="_compute_qty_to_dispense",
        store=True,
        readonly=False,
        help="This fill: the quantity per fill, or what is still owed.",
    )

    safety_severity = fields.Selection(
        [("none", "None"), ("minor", "Minor"), ("moderate", "Moderate"), ("severe", "Severe")],
        "Safety",
        default="none",
        copy=False,
    )
    safety_findings = fields.Text(copy=False, readonly=True)
    override_reason = fields.Char(
        copy=False, help="Why the severe findings are accepted (doctor or pharmacist)."
    )
    override_findings = fields.Text(
        copy=False, readonly=True, help="The severe findings the override was given for."
    )
    override_by_id = fields.Many2one("res.users", "Overridden By", readonly=True, copy=False)
    override_date = fields.Datetime("Overridden On", readonly=True, copy=False)

    @api.depends("product_id")
    def _compute_dose_unit(self):
        for line in self:
            line.dose_unit = line.product_id.hms_dose_unit or line.dose_unit or "unit"

    @api.depends("product_id")
    def _compute_route(self):
        for line in self:
            line.route = line.product_id.hms_route or line.route

    @api.depends(
        "product_id", "dose", "dose_unit", "frequency_type", "frequency_value", "duration_days"
    )
    def _compute_quantity(self):
        for line in self:
            pack = line.product_id.hms_pack_size or 1.0
            units = line._hms_units_needed()
            line.quantity = math.ceil(units / pack - 1e-9) * pack if units > 0 else pack

    @api.depends("quantity", "refills")
    def _compute_qty_prescribed(self):
        for line in self:
            line.qty_prescribed = line.quantity * (1 + max(line.refills, 0))

    @api.depends("qty_prescribed", "move_ids.state", "move_ids.quantity")
    def _compute_ledger(self):
        for line in self:
            dispensed = 0.0
            for move in line.sudo().move_ids.filtered(lambda m: m.state == "done"):
                sign = 1 if move.location_dest_id.usage == "customer" else -1
                dispensed += sign * move.product_uom._compute_quantity(
                    move.quantity, move.product_id.uom_id
                )
            line.qty_dispensed = dispensed
            line.qty_owed = max(line.qty_prescribed - dispensed, 0.0)
            fills = math.ceil(dispensed / line.quantity - 1e-9) if line.quantity else 0
            line.refills_used = max(fills - 1, 0)

    @api.depends("quantity", "qty_owed")
    def _compute_qty_to_dispense(self):
        for line in self:
            line.qty_to_dispense = min(line.quantity, line.qty_owed)

    @api.constrains("dose", "quantity", "duration_days", "frequency_value", "refills")
    def _check_amounts(self):
        for line in self:
            if line.dose <= 0 or line.quantity <= 0 or line.duration_days <= 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s: dose, quantity and duration must be positive.",
                        product=line.product_id.display_name,
                    )
                )
            if line.frequency_value <= 0 or line.refills < 0:
                raise ValidationError(
                    self.env._(
                        "%(product)s: the frequency must be positive and the refills not negative.",
                        product=line.product_id.display_name,
                    )
                )

    @api.constrains("qty_to_dispense")
    def _check_qty_to_dispense(self):
        for line in self:
            if line.qty_to_dispense < 0 or (
                float_compare(
                    line.qty_to_dispense, line.qty_owed, precision_rounding=line.uom_rounding
                )
                > 0
            ):
                raise ValidationError(
                    self.env._(
                        "%(product)s: %(qty)s to dispense, but %(owed)s is owed.",
                        product=line.product_id.display_name,
                        qty=line.qty_to_dispense,
                        owed=line.qty_owed,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._hms_check_medicines([vals.get("product_id") for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        if "product_id" in vals:
            self._hms_check_medicines([vals["product_id"]])
        if vals.get("override_reason"):
            vals = {
                **vals,
                "override_by_id": self.env.uid,
                "override_date": fields.Datetime.now(),
            }
        elif "override_reason" in vals:
            vals = {**vals, "override_by_id": False, "override_date": False}
        result = super().write(vals)
        if "override_reason" in vals:
            for line in self:
                line.override_findings = line.override_reason and "\n".join(
                    text[len("[severe] ") :]
                    for text in (line.safety_findings or "").splitlines()
                    if text.startswith("[severe] ")
                )
                line.prescription_id.message_post(
                    body=self.env._(
                        "Safety override on %(product)s: %(reason)s",
                        product=line.product_id.display_name,
                        reason=line.override_reason or self.env._("withdrawn"),
                    )
                )
        return result

    def _hms_is_merge_write(self, vals):
        # Besides a patient merge, the safety review and the pharmacy's quantities may change
        # on an issued line; its prescribed content may not.
        return super()._hms_is_merge_write(vals) or set(vals) <= self._hms_review_fields

    @api.model
    def _hms_check_medicines(self, product_ids):
        """Refuse unknown, archived or non-medicine products with a clear message."""
        ids = {pid for pid in product_ids if pid}
        products = self.env["product.product"].sudo().with_context(active_test=False)
        found = products.browse(ids).exists()
        if len(found) != len(ids):
            raise ValidationError(self.env._("Unknown medicine."))
        for product in found:
            if not product.active or not product.hms_is_medicine:
                raise ValidationError(
                    self.env._(
                        "%(product)s is not an active medicine.", product=product.display_name
                    )
                )

    def _hms_units_needed(self):
        """Units of stock for the course, when the dose is written in the dispensing unit."""
        self.ensure_one()
        if not self.product_id or self.dose_unit != self.product_id.hms_dose_unit:
            return 0.0
        value = self.frequency_value or 0
        per_day = 24.0 / value if self.frequency_type == "every_hours" and value else value
        return self.dose * per_day * (self.duration_days or 0)
