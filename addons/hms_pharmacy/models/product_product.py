from odoo import models

from ..tools.safety import allergy_terms, matches_allergen, safety_keys


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _hms_safety_keys(self):
        """Lower-case terms the safety checks match: ingredients and every ATC level."""
        self.ensure_one()
        return safety_keys(self.hms_ingredient_ids.mapped("name"), self.hms_atc_code)

    def _hms_allergy_terms(self):
        """Names an allergen is compared with: ingredients, generic name, drug classes."""
        self.ensure_one()
        return allergy_terms(
            self.hms_ingredient_ids.mapped("name"),
            self.hms_allergy_classes,
            self.hms_generic_name,
        )

    def _hms_matches_allergen(self, allergen):
        """Whether a drug allergy to ``allergen`` concerns this medicine."""
        self.ensure_one()
        return matches_allergen(allergen, self._hms_safety_keys(), self._hms_allergy_terms())
