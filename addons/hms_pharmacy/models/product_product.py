from odoo import models

# Lengths of the five levels of an ATC code (A, A10, A10B, A10BA, A10BA02).
ATC_LEVELS = (1, 3, 4, 5, 7)


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _hms_safety_keys(self):
        """Lower-case terms the safety checks match: ingredients and every ATC level."""
        self.ensure_one()
        keys = {name.strip().lower() for name in self.hms_ingredient_ids.mapped("name")}
        code = (self.hms_atc_code or "").lower()
        keys |= {code[:size] for size in ATC_LEVELS if len(code) >= size}
        return keys

    def _hms_allergy_terms(self):
        """Names an allergen is compared with: ingredients, generic name, drug classes."""
        self.ensure_one()
        terms = {name.lower() for name in self.hms_ingredient_ids.mapped("name")}
        terms |= {
            term.strip().lower()
            for term in [*(self.hms_allergy_classes or "").split(","), self.hms_generic_name or ""]
        }
        return {term for term in terms if len(term) >= 4}

    def _hms_matches_allergen(self, allergen):
        """Whether a drug allergy to ``allergen`` concerns this medicine."""
        allergen = (allergen or "").strip().lower()
        if not allergen:
            return False
        if allergen in self._hms_safety_keys():
            return True
        return any(term in allergen or allergen in term for term in self._hms_allergy_terms())
