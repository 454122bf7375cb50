from collections import namedtuple

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

CatalogueEntry = namedtuple(
    "CatalogueEntry", "term_a term_b severity description management source"
)
SEVERITIES = [("minor", "Minor"), ("moderate", "Moderate"), ("severe", "Severe")]


class HmsDrugInteraction(models.Model):
    """A drug-drug interaction between two ingredients or ATC classes (the catalogue).

    A term is an ingredient name (``warfarin``) or an ATC code at any level (``M01A``);
    terms are stored in lower case, so a lookup is an exact match on two indexed columns.
    """

    _name = "hms.drug.interaction"
    _description = "Drug Interaction"
    _order = "severity desc, term_a, term_b"
    _rec_name = "term_a"

    term_a = fields.Char("Ingredient or ATC Class", required=True, index=True)
    term_b = fields.Char("Interacts With", required=True, index=True)
    severity = fields.Selection(SEVERITIES, required=True, default="moderate", index=True)
    description = fields.Text("Effect", required=True)
    management = fields.Text("What to Do")
    source = fields.Char(required=True, help="Where this entry comes from (reference, edition).")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "pair_unique",
            "UNIQUE(term_a, term_b)",
            "This pair is already in the interaction catalogue.",
        ),
    ]

    @api.depends("term_a", "term_b")
    def _compute_display_name(self):
        for interaction in self:
            interaction.display_name = f"{interaction.term_a} x {interaction.term_b}"

    @api.constrains("term_a", "term_b")
    def _check_terms(self):
        for interaction in self:
            if interaction.term_a == interaction.term_b:
                raise ValidationError(self.env._("An interaction needs two different terms."))

    @api.model
    def _hms_normalize(self, vals):
        for name in ("term_a", "term_b"):
            if vals.get(name):
                vals[name] = " ".join(vals[name].split()).lower()
        return vals

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._hms_normalize(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._hms_normalize(vals))

    @api.model
    def _hms_find(self, new_keys, all_keys):
        """Active interactions between a term of ``new_keys`` and one of ``all_keys``.

        One query on the unique (term_a, term_b) index: both terms among all the keys, one
        of them new (the same pairs as "a new and b any, or b new and a any", since the new
        keys are among all the keys). Rows, not records: the safety checks only read them.
        """
        new_keys, all_keys = sorted(new_keys), sorted(set(all_keys) | set(new_keys))
        if not new_keys:
            return []
        self.flush_model(
            ["term_a", "term_b", "severity", "description", "management", "source", "active"]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT term_a, term_b, severity, description, management, source
                  FROM hms_drug_interaction
                 WHERE active
                   AND term_a = ANY(%(all)s) AND term_b = ANY(%(all)s)
                   AND (term_a = ANY(%(new)s) OR term_b = ANY(%(new)s))
                 ORDER BY term_a, term_b
                """,
                all=all_keys,
                new=new_keys,
            )
        )
        return [CatalogueEntry(*row) for row in rows]
