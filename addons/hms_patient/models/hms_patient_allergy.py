from odoo import api, fields, models

CLINICAL_GROUPS = "hms_base.group_hms_clinical,hms_base.group_hms_pharmacist"


class HmsPatientAllergy(models.Model):
    """An allergy or intolerance.

    The front desk reads allergen and severity (the allergy banner); the reaction and
    notes are clinical: clinical staff (nurses and doctors) and pharmacists read them.
    """

    _name = "hms.patient.allergy"
    _description = "Patient Allergy"
    _inherit = ["mail.thread"]
    _order = "status, severity desc, allergen"
    _rec_name = "allergen"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    allergen = fields.Char(required=True, tracking=True)
    allergy_type = fields.Selection(
        [("drug", "Drug"), ("food", "Food"), ("environment", "Environment")],
        "Type",
        required=True,
        default="drug",
    )
    severity = fields.Selection(
        [
            ("1_mild", "Mild"),
            ("2_moderate", "Moderate"),
            ("3_severe", "Severe"),
            ("4_life_threatening", "Life-threatening"),
        ],
        required=True,
        default="2_moderate",
        tracking=True,
    )
    status = fields.Selection(
        [("active", "Active"), ("inactive", "Inactive"), ("entered_in_error", "Entered in Error")],
        required=True,
        default="active",
        tracking=True,
    )
    reaction = fields.Char(groups=CLINICAL_GROUPS, tracking=True)
    note = fields.Text(groups=CLINICAL_GROUPS)
    banner_label = fields.Char(compute="_compute_banner_label")

    @api.depends("allergen", "severity")
    def _compute_banner_label(self):
        labels = dict(self._fields["severity"]._description_selection(self.env))
        for allergy in self:
            allergy.banner_label = f"{allergy.allergen} ({labels.get(allergy.severity, '')})"
