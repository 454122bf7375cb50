from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsEncounterDiagnosis(models.Model):
    _name = "hms.encounter.diagnosis"
    _description = "Encounter Diagnosis"
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
    patient_id = fields.Many2one(related="encounter_id.patient_id", store=True, index=True)
    company_id = fields.Many2one(related="encounter_id.company_id", store=True, index=True)
    practitioner_id = fields.Many2one(related="encounter_id.practitioner_id", store=True)
    date = fields.Datetime(related="encounter_id.date_start", store=True, index=True)
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
        for vals in vals_list:
            self._hms_resolve_code(vals)
        encounter_ids = [vals["encounter_id"] for vals in vals_list if vals.get("encounter_id")]
        self.env["hms.encounter"].browse(encounter_ids)._hms_check_open()
        return super().create(vals_list)

    def write(self, vals):
        self._hms_resolve_code(vals)
        self.encounter_id._hms_check_open()
        result = super().write(vals)
        self.encounter_id._hms_check_open()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_if_open(self):
        self.encounter_id._hms_check_open()

    @api.model
    def _hms_resolve_code(self, vals):
        """Accept a code (``icd10_code``) or an id, and refuse what the catalogue lacks."""
        if vals.get("icd10_code"):
            vals["icd10_id"] = self.env["hms.icd10"]._hms_find_code(vals.pop("icd10_code")).id
        elif vals.get("icd10_id") and not self.env["hms.icd10"].browse(vals["icd10_id"]).exists():
            raise ValidationError(
                self.env._("The ICD-10 code #%(id)s does not exist.", id=vals["icd10_id"])
            )
        vals.pop("icd10_code", None)

    def _hms_feed_patient_conditions(self):
        """Record the chronic, active diagnoses in the patient's conditions.

        Called when their encounter closes: one condition per patient and code, created
        or made active again. Returns the chronic diagnoses.
        """
        chronic = self.filtered(lambda d: d.is_chronic and d.status in ("provisional", "confirmed"))
        Condition = self.env["hms.patient.condition"]
        for diagnosis in chronic:
            condition = Condition.search(
                [
                    ("patient_id", "=", diagnosis.patient_id.id),
                    ("code", "=", diagnosis.icd10_code),
                    ("status", "!=", "entered_in_error"),
                ],
                limit=1,
            )
            if not condition:
                Condition.create(
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
