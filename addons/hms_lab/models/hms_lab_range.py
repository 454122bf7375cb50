from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

AGE_UNITS = [("day", "Days"), ("month", "Months"), ("year", "Years")]


class HmsLabRange(models.Model):
    """A reference range of a test for one group of patients, as typed values.

    Age bands are half-open: from ``age_min`` (included) to ``age_max`` (excluded) in
    ``age_unit`` calendar units since birth; ``age_max`` 0 means no upper bound.
    """

    _name = "hms.lab.range"
    _description = "Lab Reference Range"
    _order = "test_id, sex, age_min"

    test_id = fields.Many2one("hms.lab.test", "Test", required=True, ondelete="cascade", index=True)
    sex = fields.Selection(
        [("any", "Any"), ("female", "Female"), ("male", "Male")], required=True, default="any"
    )
    pregnancy = fields.Selection(
        [("any", "Any"), ("pregnant", "Pregnant"), ("not_pregnant", "Not Pregnant")],
        required=True,
        default="any",
    )
    age_min = fields.Integer("Age From")
    age_max = fields.Integer("Age To", help="Excluded; 0 means no upper limit.")
    age_unit = fields.Selection(AGE_UNITS, required=True, default="year")
    normal_low = fields.Float()
    normal_high = fields.Float()
    critical_low = fields.Float(help="At or below: a critical value; 0 means none.")
    critical_high = fields.Float(help="At or above: a critical value; 0 means none.")
    has_normal_low = fields.Boolean("Has Low Limit", default=True)
    has_critical_low = fields.Boolean("Has Critical Low")
    normal_value = fields.Char(
        "Normal Qualitative Value", help="For qualitative tests, e.g. Negative."
    )

    @api.constrains("age_min", "age_max", "normal_low", "normal_high", "critical_high")
    def _check_bounds(self):
        for range_ in self:
            if range_.age_max and range_.age_max <= range_.age_min:
                raise ValidationError(self.env._("The age band ends before it starts."))
            if range_.normal_high and range_.normal_low > range_.normal_high:
                raise ValidationError(self.env._("The normal low is above the normal high."))
            if range_.critical_high and range_.critical_high < range_.normal_high:
                raise ValidationError(self.env._("The critical high is below the normal high."))

    def _hms_age_delta(self, amount):
        return relativedelta(**{f"{self.age_unit}s": amount})

    def _hms_fits(self, patient, date, is_pregnant):
        """Whether this range applies to ``patient`` on ``date`` (a date)."""
        self.ensure_one()
        if self.sex not in ("any", patient.gender):
            return False
        if self.pregnancy == "pregnant" and not is_pregnant:
            return False
        if self.pregnancy == "not_pregnant" and is_pregnant:
            return False
        birth = patient.birthdate
        if not birth:
            # Without a birth date only ranges for every age apply.
            return not self.age_min and not self.age_max
        if date < birth + self._hms_age_delta(self.age_min):
            return False
        return not self.age_max or date < birth + self._hms_age_delta(self.age_max)

    def _hms_specificity(self):
        """Orders fitting ranges: sex and pregnancy first, then the narrowest band."""
        width = (
            (date_span := self._hms_age_delta(self.age_max - self.age_min))
            and (date_span.years * 365 + date_span.months * 31 + date_span.days)
            if self.age_max
            else 10**6
        )
        return (self.sex != "any", self.pregnancy != "any", -width)

    def _hms_flag(self, value):
        """The flag of a numeric ``value`` against this range."""
        if self.critical_high and value >= self.critical_high:
            return "critical_high"
        if self.has_critical_low and value <= self.critical_low:
            return "critical_low"
        if self.normal_high and value > self.normal_high:
            return "high"
        if self.has_normal_low and value < self.normal_low:
            return "low"
        return "normal"
