from odoo import api, fields, models


class HmsCharge(models.Model):
    _inherit = "hms.charge"

    @api.model
    def _hms_price(self, product, patient, company, quantity=1.0, date=None):
        """Unit price of ``product`` charged to ``patient`` at ``company``: through the
        patient's own pricelist at that clinic, else the clinic's default pricelist, else the
        product's sales price."""
        # The partner's computed pricelist falls back to any pricelist of the company: only
        # the one set on the patient counts as theirs.
        partner = patient.partner_id.sudo().with_company(company)
        pricelist = (
            partner.specific_property_product_pricelist.filtered("active")
            or company.sudo().hms_pricelist_id
        )
        product = product.with_company(company)
        if not pricelist:
            return product.lst_price
        return pricelist.with_company(company)._get_product_price(
            product,
            quantity or 1.0,
            currency=company.currency_id,
            date=date or fields.Date.context_today(self),
        )
