from odoo import api, fields, models


class HmsMedicineIngredient(models.Model):
    """An active ingredient of a medicine and its strength (several per product)."""

    _name = "hms.medicine.ingredient"
    _description = "Medicine Ingredient"
    _order = "product_tmpl_id, sequence, id"

    product_tmpl_id = fields.Many2one(
        "product.template", "Medicine", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char("Ingredient", required=True, help="International non-proprietary name.")
    strength = fields.Float(digits=(16, 3))
    strength_unit = fields.Selection(
        [
            ("mg", "mg"),
            ("g", "g"),
            ("mcg", "mcg"),
            ("iu", "IU"),
            ("mg_ml", "mg/ml"),
            ("mg_5ml", "mg/5 ml"),
            ("mcg_dose", "mcg/dose"),
            ("percent", "%"),
        ],
        default="mg",
    )
    label = fields.Char(compute="_compute_label")

    _sql_constraints = [
        ("strength_positive", "CHECK(strength >= 0)", "An ingredient's strength is not negative.")
    ]

    @api.depends("name", "strength", "strength_unit")
    def _compute_label(self):
        units = dict(self._fields["strength_unit"]._description_selection(self.env))
        for ingredient in self:
            strength = (
                f" {ingredient.strength:g} {units.get(ingredient.strength_unit, '')}"
                if ingredient.strength
                else ""
            )
            ingredient.label = f"{ingredient.name}{strength}"
