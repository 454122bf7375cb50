"""The terms the safety checks compare, from a medicine's plain values.

One definition for the product's own methods and for the prescription's checks, which read
the values of every medicine involved in one SQL query rather than through the ORM.
"""

# Lengths of the five levels of an ATC code (A, A10, A10B, A10BA, A10BA02).
ATC_LEVELS = (1, 3, 4, 5, 7)


def safety_keys(ingredient_names, atc_code):
    """Lower-case terms the catalogue and the allergies match: ingredients, every ATC level."""
    keys = {name.strip().lower() for name in ingredient_names}
    code = (atc_code or "").lower()
    keys |= {code[:size] for size in ATC_LEVELS if len(code) >= size}
    return keys


def allergy_terms(ingredient_names, allergy_classes, generic_name):
    """Names an allergen is compared with: ingredients, generic name, drug classes."""
    terms = {name.lower() for name in ingredient_names}
    terms |= {
        term.strip().lower() for term in [*(allergy_classes or "").split(","), generic_name or ""]
    }
    return {term for term in terms if len(term) >= 4}


def matches_allergen(allergen, keys, terms):
    """Whether a drug allergy to ``allergen`` concerns a medicine of these keys and terms."""
    allergen = (allergen or "").strip().lower()
    if not allergen:
        return False
    if allergen in keys:
        return True
    return any(term in allergen or allergen in term for term in terms)
