from odoo import fields, models


class HmsPatientCondition(models.Model):
    """A condition of the patient's medical history: clinical content.

    Clinical staff of the clinic (nurses and doctors) read it, as they read the allergies
    and the problem list; doctors record it (or closing an encounter does).
    """

    _name = "hms.patient.condition"
    _description = "Patient Condition"
    _inherit = ["mail.thread"]
    _order = "status, onset_date desc, id desc"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    name = fields.Char("Condition", required=True, tracking=True)
    code = fields.Char(help="Code in the clinic's terminology, e.g. ICD-10.")
    onset_date = fields.Date("Onset")
    resolution_date = fields.Date("Resolved On")
    status = fields.Selection(
        [("active", "Active"), ("resolved", "Resolved"), ("entered_in_error", "Entered in Error")],
        required=True,
        default="active",
        tracking=True,
    )
    note = fields.Text()

    _sql_constraints = [
        (
            "resolution_after_onset",
            "CHECK(resolution_date IS NULL OR onset_date IS NULL OR resolution_date >= onset_date)",
            "A condition cannot be resolved before its onset.",
        ),
    ]
