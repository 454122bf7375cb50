from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class HmsPractitioner(models.Model):
    _name = "hms.practitioner"
    _description = "Practitioner"
    _inherit = ["resource.mixin", "mail.thread", "mail.activity.mixin", "image.mixin"]
    _order = "name"
    _check_company_auto = True

    def _default_consultation_product(self):
        return self.env.ref("hms_base.product_consultation", raise_if_not_found=False)

    name = fields.Char(related="resource_id.name", store=True, readonly=False, required=True)
    active = fields.Boolean(related="resource_id.active", store=True, readonly=False)
    user_id = fields.Many2one(
        related="resource_id.user_id", store=True, readonly=False, string="User", tracking=True
    )
    title = fields.Char(help="How the practitioner is addressed, e.g. Dr.")
    licence_number = fields.Char("Licence Number", tracking=True, copy=False)
    specialty_ids = fields.Many2many(
        "hms.specialty",
        "hms_practitioner_specialty_rel",
        "practitioner_id",
        "specialty_id",
        string="Specialties",
    )
    company_ids = fields.Many2many(
        "res.company",
        "hms_practitioner_company_rel",
        "practitioner_id",
        "company_id",
        string="Clinics",
        help="Every clinic the practitioner works at; the main clinic is always one of them.",
    )
    department_id = fields.Many2one("hms.department", "Department", check_company=True)
    work_email = fields.Char("Work Email")
    work_phone = fields.Char("Work Phone")
    consultation_product_id = fields.Many2one(
        "product.product",
        "Consultation Fee",
        domain=[("type", "=", "service")],
        default=_default_consultation_product,
        help="Service invoiced for a consultation with this practitioner.",
    )
    consultation_fee = fields.Float(
        related="consultation_product_id.lst_price", string="Fee", readonly=True
    )
    color = fields.Integer()
    note = fields.Html()

    _sql_constraints = [
        (
            "licence_company_unique",
            "UNIQUE(licence_number, company_id)",
            "This licence number is already registered for another practitioner of this clinic.",
        ),
        (
            "user_unique",
            "UNIQUE(user_id)",
            "This user is already linked to another practitioner.",
        ),
    ]

    @api.constrains("company_id", "company_ids")
    def _check_main_clinic(self):
        for practitioner in self:
            if practitioner.company_id and practitioner.company_id not in practitioner.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(name)s's main clinic must be one of the clinics they work at.",
                        name=practitioner.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company_id = vals.get("company_id") or self.env.company.id
            # The main clinic is always one of the clinics, whatever the form sent.
            vals["company_ids"] = [*vals.get("company_ids", []), fields.Command.link(company_id)]
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_always(self):
        raise UserError(self.env._("Practitioners are never deleted: archive them instead."))

    def action_open_leaves(self):
        """Open the leaves (time off, congresses) of the practitioner."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Leaves of %(name)s", name=self.name),
            "res_model": "resource.calendar.leaves",
            "view_mode": "list,form",
            "domain": [("resource_id", "=", self.resource_id.id)],
            "context": {
                "default_resource_id": self.resource_id.id,
                "default_calendar_id": self.resource_calendar_id.id,
                "default_company_id": self.company_id.id,
            },
        }
