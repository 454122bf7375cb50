from odoo import api, fields, models
from odoo.exceptions import ValidationError

# field: (plausible minimum, plausible maximum, normal low, normal high), adult ranges.
# A value outside the plausible limits is a typing error and refused; a value outside
# the normal range is recorded and flagged. Zero means "not measured".
VITAL_LIMITS = {
    "bp_systolic": (40, 300, 90, 139),
    "bp_diastolic": (20, 200, 60, 89),
    "pulse": (20, 300, 60, 100),
    "temperature": (25.0, 45.0, 36.1, 37.5),
    "respiratory_rate": (4, 80, 12, 20),
    "spo2": (50, 100, 95, 100),
    "weight": (0.3, 500.0, None, None),
    "height": (20.0, 260.0, None, None),
    "bmi": (None, None, 18.5, 24.9),
    "blood_glucose": (10, 1500, 70, 140),
}


class HmsVital(models.Model):
    _name = "hms.vital"
    _description = "Vital Signs"
    _inherit = ["hms.locked.mixin"]  # locked with a closed encounter
    _order = "date desc, id desc"
    _check_company_auto = True

    encounter_id = fields.Many2one(
        "hms.encounter", "Encounter", index=True, ondelete="restrict", check_company=True
    )
    patient_id = fields.Many2one(
        "hms.patient",
        "Patient",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        compute="_compute_patient_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    company_id = fields.Many2one(
        related="patient_id.company_id", store=True, index=True, precompute=True
    )
    date = fields.Datetime("Taken On", required=True, default=fields.Datetime.now, index=True)
    recorded_by_id = fields.Many2one(
        "res.users", "Recorded By", required=True, readonly=True, default=lambda s: s.env.user
    )
    bp_systolic = fields.Integer("Systolic BP (mmHg)", aggregator="avg")
    bp_diastolic = fields.Integer("Diastolic BP (mmHg)", aggregator="avg")
    pulse = fields.Integer("Pulse (bpm)", aggregator="avg")
    temperature = fields.Float("Temperature (°C)", digits=(4, 1), aggregator="avg")
    respiratory_rate = fields.Integer("Respiratory Rate (/min)", aggregator="avg")
    spo2 = fields.Integer("SpO2 (%)", aggregator="avg")
    weight = fields.Float("Weight (kg)", digits=(5, 1), aggregator="avg")
    height = fields.Float("Height (cm)", digits=(5, 1), aggregator="avg")
    bmi = fields.Float("BMI", digits=(4, 1), compute="_compute_bmi", store=True, aggregator="avg")
    pain_score = fields.Selection(
        [(str(score), str(score)) for score in range(11)], help="0 (no pain) to 10 (worst)."
    )
    blood_glucose = fields.Integer("Blood Glucose (mg/dL)", aggregator="avg")
    abnormal_summary = fields.Char("Out of Range", compute="_compute_abnormal", store=True)
    is_abnormal = fields.Boolean("Abnormal", compute="_compute_abnormal", store=True)

    @api.depends("encounter_id")
    def _compute_patient_id(self):
        for vital in self:
            vital.patient_id = vital.encounter_id.patient_id or vital.patient_id

    @api.depends("weight", "height")
    def _compute_bmi(self):
        for vital in self:
            metres = vital.height / 100
            vital.bmi = round(vital.weight / metres**2, 1) if vital.weight and metres else 0

    @api.depends(*VITAL_LIMITS, "pain_score")
    def _compute_abnormal(self):
        for vital in self:
            flags = []
            for name, (_low, _high, normal_low, normal_high) in VITAL_LIMITS.items():
                value = vital[name]
                if not value or normal_low is None:
                    continue
                if value < normal_low or value > normal_high:
                    label = self._fields[name].string.split(" (")[0]
                    flags.append(
                        self.env._("%(vital)s low", vital=label)
                        if value < normal_low
                        else self.env._("%(vital)s high", vital=label)
                    )
            if vital.pain_score and int(vital.pain_score) >= 7:
                flags.append(self.env._("Severe pain"))
            vital.abnormal_summary = ", ".join(flags)
            vital.is_abnormal = bool(flags)

    @api.constrains("patient_id", "pain_score", *VITAL_LIMITS)
    def _check_plausible(self):
        for vital in self:
            for name, (low, high, _normal_low, _normal_high) in VITAL_LIMITS.items():
                value = vital[name]
                if low is None or not value:
                    continue
                if value < low or value > high:
                    raise ValidationError(
                        self.env._(
                            "%(vital)s: %(value)s is not a plausible value (allowed %(low)s to "
                            "%(high)s).",
                            vital=self._fields[name].string,
                            value=value,
                            low=low,
                            high=high,
                        )
                    )
            if not any(vital[name] for name in VITAL_LIMITS) and not vital.pain_score:
                raise ValidationError(self.env._("A vital signs reading needs one measurement."))

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            vals["recorded_by_id"] = self.env.uid
        return super().create(vals_list)

    def _hms_summary(self):
        """One line of the measured values, for the chart and the visit summary."""
        self.ensure_one()
        parts = []
        if self.bp_systolic or self.bp_diastolic:
            parts.append(f"BP {self.bp_systolic}/{self.bp_diastolic} mmHg")
        for name, unit in (
            ("pulse", "bpm"),
            ("temperature", "°C"),
            ("respiratory_rate", "/min"),
            ("spo2", "%"),
            ("weight", "kg"),
            ("height", "cm"),
            ("bmi", ""),
            ("blood_glucose", "mg/dL"),
        ):
            if self[name]:
                parts.append(f"{self._fields[name].string.split(' (')[0]} {self[name]:g} {unit}")
        if self.pain_score:
            parts.append(self.env._("Pain %(score)s/10", score=self.pain_score))
        return ", ".join(part.strip() for part in parts)
