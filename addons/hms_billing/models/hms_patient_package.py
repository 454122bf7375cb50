from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.osv import expression


class HmsPatientPackage(models.Model):
    """A package sold to a patient: charged once at its price, it then covers the services it
    lists, up to their quantities, from its start date to its end date (see ``hms.charge``)."""

    _name = "hms.patient.package"
    _description = "Patient Package"
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", store=True)
    patient_id = fields.Many2one(
        "hms.patient", "Patient", required=True, index=True, check_company=True
    )
    package_id = fields.Many2one(
        "hms.billing.package",
        "Package",
        required=True,
        check_company=True,
        domain="[('company_id', '=', company_id)]",
        ondelete="restrict",
    )
    company_id = fields.Many2one(
        "res.company", "Clinic", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    price = fields.Monetary(related="package_id.price")
    date_start = fields.Date("Start Date", required=True, default=fields.Date.context_today)
    date_end = fields.Date("End Date", compute="_compute_date_end", store=True)
    line_ids = fields.One2many(
        "hms.patient.package.line", "patient_package_id", "Consumption", readonly=True
    )
    charge_ids = fields.One2many(
        "hms.charge", "patient_package_id", "Covered Charges", readonly=True
    )
    sale_charge_id = fields.Many2one(
        "hms.charge", "Package Charge", compute="_compute_sale_charge_id"
    )
    state = fields.Selection(
        [("active", "Active"), ("consumed", "Consumed"), ("expired", "Expired")],
        compute="_compute_state",
        search="_search_state",
    )
    note = fields.Text()

    @api.depends("package_id.name", "patient_id.name")
    def _compute_name(self):
        for package in self:
            package.name = f"{package.package_id.name} — {package.patient_id.name}"

    @api.depends("date_start", "package_id.validity_days")
    def _compute_date_end(self):
        for package in self:
            package.date_end = package.date_start and package.date_start + timedelta(
                days=package.package_id.validity_days - 1
            )

    def _compute_sale_charge_id(self):
        charges = self.env["hms.charge"].search(
            [("res_model", "=", self._name), ("res_id", "in", self.ids), ("code", "=", "package")]
        )
        for package in self:
            package.sale_charge_id = charges.filtered(lambda c, p=package: c.res_id == p.id)[:1]

    @api.depends("line_ids.remaining_qty", "date_end")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for package in self:
            if all(line.remaining_qty <= 0 for line in package.line_ids):
                package.state = "consumed"
            elif package.date_end and package.date_end < today:
                package.state = "expired"
            else:
                package.state = "active"

    def _search_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the package status."))
        today = fields.Date.context_today(self)
        left = ("line_ids", "any", [("remaining_qty", ">", 0)])
        domains = {
            "consumed": [("line_ids", "not any", [("remaining_qty", ">", 0)])],
            "expired": [left, ("date_end", "<", today)],
            "active": [left, ("date_end", ">=", today)],
        }
        states = [value] if isinstance(value, str) else list(value)
        domain = expression.OR([domains.get(state, expression.FALSE_DOMAIN) for state in states])
        return ["!", *domain] if operator in ("!=", "not in") else domain

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            package = self.env["hms.billing.package"].browse(vals.get("package_id"))
            patient = self.env["hms.patient"].browse(vals.get("patient_id"))
            vals.setdefault("company_id", package.company_id.id)
            self._hms_check_sale(
                package, patient, self.env["res.company"].browse(vals["company_id"])
            )
            vals["line_ids"] = [
                fields.Command.create({"product_id": line.product_id.id, "quantity": line.quantity})
                for line in package.line_ids
            ]
        packages = super().create(vals_list)
        packages._hms_charge()
        return packages

    def write(self, vals):
        fixed = {"package_id", "company_id", "date_start"}
        if not self.env.context.get("hms_patient_merge"):
            fixed.add("patient_id")
        if fixed & vals.keys():
            raise UserError(
                self.env._("A sold package keeps its patient, package and dates: sell another.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sold(self):
        raise UserError(
            self.env._("A sold package is never deleted: waive its charge with a reason.")
        )

    # ------------------------------------------------------------------ business
    @api.model
    def _hms_check_sale(self, package, patient, company):
        """Refuse to sell an archived package, or one of another clinic than the patient's."""
        if not package or not patient:
            raise ValidationError(self.env._("Choose the patient and the package to sell."))
        if not package.active:
            raise ValidationError(
                self.env._("%(package)s is archived: it is no longer sold.", package=package.name)
            )
        if not package.line_ids or package.price <= 0:
            raise ValidationError(
                self.env._("%(package)s has no price or covers nothing.", package=package.name)
            )
        if not (package.company_id == patient.company_id == company):
            raise ValidationError(
                self.env._(
                    "%(package)s is sold at %(clinic)s; %(patient)s is a patient of %(home)s.",
                    package=package.name,
                    clinic=package.company_id.name,
                    patient=patient.display_name,
                    home=patient.company_id.name,
                )
            )

    def _hms_charge(self):
        """The one charge of each sold package: its price, invoiced like any other charge."""
        return self.env["hms.charge"]._hms_record(
            [
                {
                    "res_model": package._name,
                    "res_id": package.id,
                    "code": "package",
                    "name": package.package_id.name,
                    "patient_id": package.patient_id.id,
                    "company_id": package.company_id.id,
                    "date": package.date_start,
                    "product_id": package.package_id.product_id.id,
                    "quantity": 1.0,
                    "price_unit": package.package_id.price,
                }
                for package in self
            ]
        )

    def action_view_charges(self):
        """The package's charge and the charges it covered."""
        self.ensure_one()
        charges = self.sale_charge_id | self.charge_ids
        return charges._get_records_action(name=self.env._("Charges"))
