from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HmsPatient(models.Model):
    _name = "hms.patient"
    _description = "Patient"
    _inherits = {"res.partner": "partner_id"}
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "name, id"
    _rec_names_search = ["name", "mrn"]
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Related Partner",
        required=True,
        ondelete="restrict",
        index=True,
        auto_join=True,
    )
    mrn = fields.Char(
        "Medical Record Number",
        readonly=True,
        copy=False,
        index=True,
        default="/",
        help="Given by the clinic's own sequence when the patient is registered; never reused.",
    )
    company_id = fields.Many2one(
        "res.company",
        "Clinic",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    active = fields.Boolean(default=True, tracking=True)
    birthdate = fields.Date("Date of Birth", tracking=True)
    age = fields.Integer(compute="_compute_age")
    gender = fields.Selection(
        [("female", "Female"), ("male", "Male"), ("other", "Other"), ("unknown", "Unknown")],
        tracking=True,
    )
    guardian_partner_ids = fields.Many2many(
        "res.partner",
        "hms_patient_guardian_partner_rel",
        "patient_id",
        "partner_id",
        string="Guardians",
        help="People who manage this patient's record, e.g. in the portal for a child.",
    )

    _sql_constraints = [
        (
            "mrn_company_unique",
            "UNIQUE(mrn, company_id)",
            "This medical record number is already used in this clinic.",
        ),
    ]

    @api.depends("birthdate")
    def _compute_age(self):
        today = fields.Date.context_today(self)
        for patient in self:
            patient.age = relativedelta(today, patient.birthdate).years if patient.birthdate else 0

    def _compute_display_name(self):
        for patient in self:
            patient.display_name = (
                f"[{patient.mrn}] {patient.name}"
                if patient.mrn and patient.mrn != "/"
                else patient.name
            )

    @api.constrains("birthdate")
    def _check_birthdate(self):
        today = fields.Date.context_today(self)
        for patient in self:
            if patient.birthdate and patient.birthdate > today:
                raise ValidationError(
                    self.env._("Date of Birth: %(date)s is in the future.", date=patient.birthdate)
                )

    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"]
        for vals in vals_list:
            if vals.get("mrn", "/") == "/":
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["mrn"] = Sequence._hms_next_by_code("hms.patient", company)
            vals.setdefault("type", "contact")
        return super().create(vals_list)
