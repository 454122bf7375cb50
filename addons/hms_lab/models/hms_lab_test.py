from odoo import api, fields, models
from odoo.exceptions import ValidationError

SPECIMEN_TYPES = [
    ("blood", "Whole Blood"),
    ("serum", "Serum"),
    ("plasma", "Plasma"),
    ("urine", "Urine"),
    ("other", "Other"),
]
CONTAINERS = [
    ("edta", "EDTA (lavender)"),
    ("sst", "Serum separator (gold)"),
    ("heparin", "Lithium heparin (green)"),
    ("citrate", "Citrate (blue)"),
    ("fluoride", "Fluoride (grey)"),
    ("urine_cup", "Urine cup"),
    ("other", "Other"),
]


class HmsLabTest(models.Model):
    _name = "hms.lab.test"
    _description = "Lab Test"
    _order = "sequence, name"

    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, index=True, help="The lab's own code, sent by instruments.")
    loinc_code = fields.Char("LOINC Code", index=True)
    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    specimen_type = fields.Selection(SPECIMEN_TYPES, required=True, default="serum")
    container = fields.Selection(CONTAINERS, required=True, default="sst")
    result_type = fields.Selection(
        [("numeric", "Numeric"), ("qualitative", "Qualitative"), ("text", "Text")],
        required=True,
        default="numeric",
    )
    unit = fields.Char("UCUM Unit", help="The unit in UCUM notation, e.g. mmol/L, 10*9/L.")
    decimals = fields.Integer(default=1)
    method = fields.Char()
    turnaround_hours = fields.Float("Turnaround Target (hours)", default=24)
    plausible_low = fields.Float(
        "Plausible Low", help="Values below are impossible and refused (numeric tests)."
    )
    plausible_high = fields.Float(
        "Plausible High", help="Values above are impossible and refused; 0 means no limit."
    )
    delta_percent = fields.Float(
        "Delta Check (%)",
        help="A change larger than this percentage from the patient's previous result of the "
        "test is flagged for review; 0 turns the check off.",
    )
    product_id = fields.Many2one(
        "product.product",
        "Price Product",
        domain="[('type', '=', 'service')]",
        help="The service billed for this test.",
    )
    range_ids = fields.One2many("hms.lab.range", "test_id", "Reference Ranges")

    _sql_constraints = [
        ("code_unique", "unique(code)", "A lab test code must be unique."),
    ]

    @api.depends("code", "name")
    def _compute_display_name(self):
        for test in self:
            test.display_name = f"[{test.code}] {test.name}" if test.code else test.name

    @api.constrains("plausible_low", "plausible_high", "result_type")
    def _check_plausible(self):
        for test in self:
            if test.plausible_high and test.plausible_low > test.plausible_high:
                raise ValidationError(
                    self.env._("%(test)s: the plausible low is above the high.", test=test.name)
                )

    def _hms_fit_ranges(self, patient, date, is_pregnant):
        """{test: the reference range that fits the patient at ``date``} for these tests.

        The most specific range wins: a sex, a pregnancy status, then the narrowest age band.
        """
        ranges = self.env["hms.lab.range"].search([("test_id", "in", self.ids)])
        fitting = {}
        for range_ in ranges:
            if not range_._hms_fits(patient, date, is_pregnant):
                continue
            best = fitting.get(range_.test_id)
            if not best or range_._hms_specificity() > best._hms_specificity():
                fitting[range_.test_id] = range_
        return fitting
