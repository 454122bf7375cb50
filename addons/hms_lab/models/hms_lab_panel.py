from odoo import fields, models


class HmsLabPanel(models.Model):
    _name = "hms.lab.panel"
    _description = "Lab Panel"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    active = fields.Boolean(default=True)
    test_ids = fields.Many2many("hms.lab.test", string="Tests", required=True)

    _sql_constraints = [
        ("code_unique", "unique(code)", "A lab panel code must be unique."),
    ]
