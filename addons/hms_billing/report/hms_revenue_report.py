from odoo import fields, models, tools

PAYER_TYPES = [("patient", "Patient"), ("payer", "Insurer")]


class HmsRevenueReport(models.Model):
    """Revenue analysis: one row per posted invoice line that bills charges (a charge split
    between an insurer and its patient is two rows, one per share). Amounts are untaxed, in the
    clinic's currency, and negative for credit notes, so that a reversed charge counts zero."""

    _name = "hms.revenue.report"
    _description = "Revenue Analysis"
    _auto = False
    _order = "invoice_date desc, id desc"
    # What the view reads: flushed before each query.
    _depends = {
        "account.move": [
            "company_id",
            "hms_share",
            "invoice_date",
            "move_type",
            "partner_id",
            "state",
        ],
        "account.move.line": ["balance", "hms_charge_ids", "move_id", "quantity"],
        "hms.charge": ["date", "patient_id", "practitioner_id", "product_id"],
        "product.product": ["product_tmpl_id"],
        "product.template": ["categ_id"],
    }

    move_line_id = fields.Many2one("account.move.line", "Invoice Line", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    move_type = fields.Selection(
        [("out_invoice", "Invoice"), ("out_refund", "Credit Note")], "Type", readonly=True
    )
    charge_id = fields.Many2one(
        "hms.charge",
        "Charge",
        readonly=True,
        help="The charge the line bills (the first one of a line billing several).",
    )
    date = fields.Date("Date of Service", readonly=True)
    invoice_date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", "Clinic", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    practitioner_id = fields.Many2one("hms.practitioner", "Practitioner", readonly=True)
    product_id = fields.Many2one("product.product", "Service", readonly=True)
    categ_id = fields.Many2one("product.category", "Service Category", readonly=True)
    partner_id = fields.Many2one("res.partner", "Payer", readonly=True)
    payer_type = fields.Selection(PAYER_TYPES, readonly=True)
    patient_id = fields.Many2one("hms.patient", "Patient", readonly=True)
    quantity = fields.Float(
        readonly=True,
        digits="Product Unit of Measure",
        help="Billed quantity, negative on credit notes; a charge split between an insurer and "
        "its patient counts in each share.",
    )
    amount = fields.Monetary(
        "Revenue", readonly=True, help="Untaxed amount, negative on credit notes."
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            tools.SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT aml.id AS id,
                           aml.id AS move_line_id,
                           am.id AS move_id,
                           am.move_type,
                           c.id AS charge_id,
                           c.date,
                           am.invoice_date,
                           am.company_id,
                           company.currency_id,
                           c.practitioner_id,
                           c.product_id,
                           tmpl.categ_id,
                           am.partner_id,
                           am.hms_share AS payer_type,
                           c.patient_id,
                           CASE WHEN am.move_type = 'out_refund' THEN -aml.quantity
                                ELSE aml.quantity
                           END AS quantity,
                           -aml.balance AS amount
                      FROM account_move_line aml
                      JOIN account_move am ON am.id = aml.move_id
                      JOIN (SELECT move_line_id, MIN(charge_id) AS charge_id
                              FROM hms_charge_account_move_line_rel
                             GROUP BY move_line_id) rel ON rel.move_line_id = aml.id
                      JOIN hms_charge c ON c.id = rel.charge_id
                      JOIN res_company company ON company.id = am.company_id
                      JOIN product_product product ON product.id = c.product_id
                      JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
                     WHERE am.state = 'posted'
                       AND am.move_type IN ('out_invoice', 'out_refund')
                )
                """,
                view=tools.SQL.identifier(self._table),
            )
        )
