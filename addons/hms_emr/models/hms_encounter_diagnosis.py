from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsEncounterDiagnosis(models.Model):
    _name = "hms.encounter.diagnosis"
    _description = "Encounter Diagnosis"
    _inherit = ["hms.locked.mixin"]  # locked with a closed encounter
    _order = "date desc, diagnosis_role, id"
    _check_company_auto = True

    encounter_id = fields.Many2one(
        "hms.encounter",
        "Encounter",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    # Precomputed: inserted with the row, not updated after it.
    patient_id = fields.Many2one(
        related="encounter_id.patient_id", store=True, index=True, precompute=True
    )
    company_id = fields.Many2one(
        related="encounter_id.company_id", store=True, index=True, precompute=True
    )
    practitioner_id = fields.Many2one(
        related="encounter_id.practitioner_id", store=True, precompute=True
    )
    date = fields.Datetime(
        related="encounter_id.date_start", store=True, index=True, precompute=True
    )
    icd10_id = fields.Many2one(
        "hms.icd10", "ICD-10 Code", required=True, index=True, ondelete="restrict"
    )
    icd10_code = fields.Char(related="icd10_id.code", string="Code")
    diagnosis_role = fields.Selection(
        [("primary", "Primary"), ("secondary", "Secondary")],
        "Role",
        required=True,
        default="secondary",
    )
    status = fields.Selection(
        [
            ("provisional", "Provisional"),
            ("confirmed", "Confirmed"),
            ("resolved", "Resolved"),
            ("ruled_out", "Ruled Out"),
        ],
        required=True,
        default="confirmed",
    )
    is_chronic = fields.Boolean(
        "Chronic", help="A chronic diagnosis stays on the patient's problem list."
    )
    note = fields.Char()

    @api.depends("icd10_id", "diagnosis_role")
    def _compute_display_name(self):
        for diagnosis in self:
            diagnosis.display_name = diagnosis.icd10_id.display_name or ""

    @api.constrains("encounter_id", "diagnosis_role")
    def _check_one_primary(self):
        for encounter in self.encounter_id:
            primaries = encounter.diagnosis_ids.filtered(lambda d: d.diagnosis_role == "primary")
            if len(primaries) > 1:
                raise ValidationError(
                    self.env._(
                        "Encounter %(name)s has one primary diagnosis only.", name=encounter.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._hms_check_codes([self._hms_resolve_code(vals) for vals in vals_list])
        return super().create(vals_list)

    def write(self, vals):
        self._hms_check_codes([self._hms_resolve_code(vals)])
        return super().write(vals)

    @api.model
    def _hms_resolve_code(self, vals):
        """Accept a code (``icd10_code``) instead of an id (``icd10_id``).

        Returns the id given as such (to check with ``_hms_check_codes``), else False.
        """
        if vals.get("icd10_code"):
            vals["icd10_id"] = self.env["hms.icd10"]._hms_find_code(vals.pop("icd10_code")).id
            return False
        vals.pop("icd10_code", None)
        return vals.get("icd10_id", False)

    @api.model
    def _hms_check_codes(self, icd10_ids):
        """Refuse ids the catalogue lacks (one query for a batch, falsy ids ignored)."""
        icd10_ids = [icd10_id for icd10_id in icd10_ids if icd10_id]
        missing = set(icd10_ids) - set(self.env["hms.icd10"].browse(icd10_ids).exists().ids)
        if missing:
            raise ValidationError(
                self.env._("The ICD-10 code #%(id)s does not exist.", id=min(missing))
            )

    def _hms_feed_patient_conditions(self):
        """Record the chronic, active diagnoses in the patient's conditions.

        Called when their encounter closes: one condition per patient and code, created
        or made active again. Returns the chronic diagnoses.
        """
        chronic = self.filtered(lambda d: d.is_chronic and d.status in ("provisional", "confirmed"))
        if not chronic:
            return chronic
        Condition = self.env["hms.patient.condition"]
        existing = {}  # one search for all: the latest condition of each patient and code
        for condition in Condition.search(
            [
                ("patient_id", "in", chronic.patient_id.ids),
                ("code", "in", chronic.mapped("icd10_code")),
                ("status", "!=", "entered_in_error"),
            ]
        ):
            existing.setdefault((condition.patient_id, condition.code), condition)
        for diagnosis in chronic:
            key = (diagnosis.patient_id, diagnosis.icd10_code)
            condition = existing.get(key)
            if not condition:
                existing[key] = Condition.create(
                    {
                        "patient_id": diagnosis.patient_id.id,
                        "code": diagnosis.icd10_code,
                        "name": diagnosis.icd10_id.name,
                        "onset_date": fields.Date.context_today(self, diagnosis.date),
                    }
                )
            elif condition.status != "active":
                condition.write({"status": "active", "resolution_date": False})
        return chronic
