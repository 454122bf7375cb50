from odoo import fields, models


class HmsPatientDocument(models.Model):
    _name = "hms.patient.document"
    _description = "Patient Document"
    _order = "date desc, id desc"
    _check_company_auto = True

    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="restrict", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    name = fields.Char("Title", required=True)
    category_id = fields.Many2one("hms.patient.document.category", "Category", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    file = fields.Binary(attachment=True, required=True)
    file_name = fields.Char()
    active = fields.Boolean(default=True)
