from odoo import fields, models


class HmsDepartment(models.Model):
    _name = "hms.department"
    _description = "Department / Service Unit"
    _inherit = ["mail.thread"]
    _order = "company_id, name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, index=True, default=lambda self: self.env.company
    )
    head_id = fields.Many2one(
        "hms.practitioner", "Head of Department", check_company=True, tracking=True
    )
    practitioner_ids = fields.One2many("hms.practitioner", "department_id", "Practitioners")
    note = fields.Html()

    _sql_constraints = [
        (
            "code_company_unique",
            "UNIQUE(code, company_id)",
            "A department with this code already exists in this clinic.",
        ),
    ]
