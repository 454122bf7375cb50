from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hms_require_primary_diagnosis = fields.Boolean(
        "Primary Diagnosis Required",
        help="Encounters of this clinic close only once a primary diagnosis is coded.",
    )
