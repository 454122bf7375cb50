from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DOSAGE_FORMS = [
    ("tablet", "Tablet"),
    ("capsule", "Capsule"),
    ("oral_liquid", "Oral liquid"),
    ("injection", "Injection"),
    ("inhaler", "Inhaler"),
    ("cream", "Cream / ointment"),
    ("drops", "Drops"),
    ("suppository", "Suppository"),
    ("powder", "Powder"),
]
ROUTES = [
    ("oral", "Oral"),
    ("iv", "Intravenous"),
    ("im", "Intramuscular"),
    ("sc", "Subcutaneous"),
    ("inhalation", "Inhalation"),
    ("topical", "Topical"),
    ("ophthalmic", "Ophthalmic"),
    ("rectal", "Rectal"),
    ("sublingual", "Sublingual"),
]
DOSE_UNITS = [
    ("tablet", "tablet(s)"),
    ("capsule", "capsule(s)"),
    ("ml", "ml"),
    ("mg", "mg"),
    ("puff", "puff(s)"),
    ("drop", "drop(s)"),
    ("unit", "unit(s)"),
    ("application", "application(s)"),
]


class ProductTemplate(models.Model):
    _inherit = "product.template"

    hms_is_medicine = fields.Boolean("Is a Medicine", index=True)
    hms_generic_name = fields.Char("Generic Name")
    hms_ingredient_ids = fields.One2many(
        "hms.medicine.ingredient", "product_tmpl_id", "Active Ingredients"
    )
    hms_strength = fields.Char("Strength", compute="_compute_hms_strength")
    hms_dosage_form = fields.Selection(DOSAGE_FORMS, "Dosage Form")
    hms_route = fields.Selection(ROUTES, "Route")
    hms_atc_code = fields.Char(
        "ATC Code", index="btree_not_null", help="WHO Anatomical Therapeutic Chemical code."
    )
    hms_allergy_classes = fields.Char(
        "Allergy Classes",
        help="Comma-separated drug classes a patient may be allergic to (penicillin, "
        "sulfonamide, NSAID...), matched against the patient's drug allergies.",
    )
    hms_pack_size = fields.Float(
        "Pack Size", default=1.0, help="Units (of the dispensing unit) in one pack."
    )
    hms_dose_unit = fields.Selection(
        DOSE_UNITS,
        "Dispensing Unit",
        help="What one unit of stock is; prescribed quantities are computed when the dose "
        "is written in this unit.",
    )
    hms_is_prescription_only = fields.Boolean("Prescription Only", default=True)
    hms_is_controlled = fields.Boolean("Controlled Substance")

    _sql_constraints = [
        ("hms_pack_size_positive", "CHECK(hms_pack_size > 0)", "A pack holds at least one unit.")
    ]

    @api.depends("hms_ingredient_ids.label")
    def _compute_hms_strength(self):
        for template in self:
            template.hms_strength = " + ".join(template.hms_ingredient_ids.mapped("label"))

    @api.constrains("hms_is_medicine", "hms_atc_code", "tracking", "is_storable")
    def _check_hms_medicine(self):
        for template in self.filtered("hms_is_medicine"):
            if not template.is_storable or template.tracking != "lot":
                raise ValidationError(
                    self.env._(
                        "Medicine %(name)s must be a storable product tracked by lots.",
                        name=template.name,
                    )
                )
            code = template.hms_atc_code
            if code and (len(code) not in (1, 3, 4, 5, 7) or not code[0].isalpha()):
                raise ValidationError(
                    self.env._("%(code)s is not an ATC code (such as N02BE01).", code=code)
                )

    @api.onchange("hms_is_medicine")
    def _onchange_hms_is_medicine(self):
        if self.hms_is_medicine:
            self.is_storable = True
            self.tracking = "lot"
            self.use_expiration_date = True

    def write(self, vals):
        if vals.get("hms_atc_code"):
            vals["hms_atc_code"] = vals["hms_atc_code"].strip().upper()
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("hms_atc_code"):
                vals["hms_atc_code"] = vals["hms_atc_code"].strip().upper()
        return super().create(vals_list)

    @api.model
    def _hms_load_demo_stock(self):
        """Demo: two lots of each demo medicine in every clinic's pharmacy, plus an expired
        amoxicillin lot and a paracetamol lot that expires within a month."""
        medicines = self.env["ir.model.data"].search(
            [("module", "=", "hms_pharmacy"), ("model", "=", "product.template")]
        )
        templates = self.browse(medicines.mapped("res_id"))
        # Demo files load again on updates: the stock is put in once.
        if self.env["stock.lot"].search_count(
            [("product_id.product_tmpl_id", "in", templates.ids)], limit=1
        ):
            return
        now = fields.Datetime.now()
        Lot, Quant = (
            self.env["stock.lot"],
            self.env["stock.quant"].with_context(inventory_mode=True),
        )
        quants = Quant
        for clinic in self.env["res.company"].search([("hms_clinic_code", "!=", False)]):
            location = clinic._hms_pharmacy_picking_type().default_location_src_id
            for template in templates:
                product = template.product_variant_id
                batches = [("A", 180, 200), ("B", 540, 300)]
                if template.hms_generic_name == "amoxicillin":
                    batches.append(("X", -10, 40))
                if template.hms_generic_name == "paracetamol":
                    batches.append(("M", 20, 60))
                for suffix, days, quantity in batches:
                    lot = Lot.create(
                        {
                            "name": f"{clinic.hms_clinic_code}-{template.id}-{suffix}",
                            "product_id": product.id,
                            "company_id": clinic.id,
                            "expiration_date": now + timedelta(days=days),
                        }
                    )
                    quants |= Quant.create(
                        {
                            "product_id": product.id,
                            "location_id": location.id,
                            "lot_id": lot.id,
                            "inventory_quantity": quantity,
                        }
                    )
        quants.action_apply_inventory()
        # A reordering rule that is below its minimum: the low-stock alert has work to do.
        paracetamol = templates.filtered(lambda t: t.hms_generic_name == "paracetamol")
        self.env["stock.warehouse.orderpoint"].create(
            [
                {
                    "product_id": paracetamol.product_variant_id.id,
                    "location_id": clinic._hms_pharmacy_picking_type().default_location_src_id.id,
                    "product_min_qty": 1000,
                    "product_max_qty": 2000,
                    "company_id": clinic.id,
                    "trigger": "manual",
                }
                for clinic in self.env["res.company"].search([("hms_clinic_code", "!=", False)])
            ]
        )
