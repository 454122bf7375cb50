from odoo import api, models
from odoo.exceptions import UserError


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model
    def _hms_next_numbers(self, code, companies):
        """Next numbers of ``code``, one for each of ``companies`` (a list, repeats allowed).

        A batch looks each clinic's sequence up once.
        """
        sequences = {}
        numbers = []
        for company in companies:
            if company not in sequences:
                sequences[company] = self._hms_sequence(code, company)
            numbers.append(sequences[company]._next())
        return numbers

    @api.model
    def _hms_sequence(self, code, company):
        """``company``'s own sequence of ``code``.

        Each clinic numbers independently: its sequence is copied on first use from
        the shared template (the sequence of that code without a company).
        """
        company.ensure_one()
        sequences = self.sudo().with_context(active_test=True)
        sequence = sequences.search([("code", "=", code), ("company_id", "=", company.id)], limit=1)
        if not sequence:
            template = sequences.search([("code", "=", code), ("company_id", "=", False)], limit=1)
            if not template:
                raise UserError(
                    self.env._("No numbering sequence with code %(code)s exists.", code=code)
                )
            sequence = template.copy(
                {
                    "company_id": company.id,
                    "name": f"{template.name} ({company.name})",
                    "number_next": 1,
                }
            )
        return sequence
