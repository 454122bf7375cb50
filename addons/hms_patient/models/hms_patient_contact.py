from odoo import api, fields, models


class HmsPatientContact(models.Model):
    _name = "hms.patient.contact"
    _description = "Patient Emergency Contact"
    _order = "sequence, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="patient_id.company_id", store=True, index=True)
    name = fields.Char(required=True)
    relationship = fields.Selection(
        [
            ("parent", "Parent"),
            ("spouse", "Spouse / Partner"),
            ("child", "Child"),
            ("sibling", "Sibling"),
            ("friend", "Friend"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    phone = fields.Char(required=True)
    email = fields.Char()

    @api.model_create_multi
    def create(self, vals_list):
        Patient = self.env["hms.patient"]
        for vals in vals_list:
            patient = Patient.browse(vals.get("patient_id"))
            vals["phone"] = Patient._normalize_phone(
                vals.get("phone"), patient.company_id or self.env.company
            )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("phone"):
            vals["phone"] = self.env["hms.patient"]._normalize_phone(
                vals["phone"], self.company_id[:1] or self.env.company
            )
        return super().write(vals)
