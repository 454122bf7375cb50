from odoo import api, fields, models, tools

# Models of Odoo's own addons audited by default when installed (payments of the clinic).
EXTRA_MODELS = ("account.move",)


class HmsAuditRule(models.Model):
    _name = "hms.audit.rule"
    _description = "Audit Rule"
    _order = "model"

    model_id = fields.Many2one(
        "ir.model", "Model", required=True, ondelete="cascade", domain=[("transient", "=", False)]
    )
    model = fields.Char("Model Name", related="model_id.model", store=True, index=True)
    audit_reads = fields.Boolean(
        default=True, help="Also log who reads these records (list, form, RPC, portal JSON)."
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("model_unique", "UNIQUE(model_id)", "A model has one audit rule."),
    ]

    @api.model
    @tools.ormcache()
    def _get_rules(self):
        """{model name: audit reads} of the active rules, cached until a rule changes."""
        self.flush_model(["model", "audit_reads", "active"])
        self.env.cr.execute("SELECT model, audit_reads FROM hms_audit_rule WHERE active")
        return dict(self.env.cr.fetchall())

    @api.model_create_multi
    def create(self, vals_list):
        self.env.registry.clear_cache()
        return super().create(vals_list)

    def write(self, vals):
        self.env.registry.clear_cache()
        return super().write(vals)

    def unlink(self):
        self.env.registry.clear_cache()
        return super().unlink()

    @api.model
    def _sync_default_rules(self):
        """Audit every HMS model (and the extra models) that has no rule yet, reads included."""
        known = set(self.with_context(active_test=False).search([]).mapped("model"))
        missing = self.env["ir.model"].search(
            [
                ("transient", "=", False),
                ("model", "not in", list(known)),
                "|",
                "&",
                ("model", "=like", "hms.%"),
                ("model", "not like", "hms.audit."),
                ("model", "in", EXTRA_MODELS),
            ]
        )
        # Abstract models (the hms_base mixins) have no records to audit.
        missing = missing.filtered(
            lambda m: m.model in self.env and not self.env[m.model]._abstract
        )
        self.create(
            [{"model_id": m.id, "audit_reads": m.model not in EXTRA_MODELS} for m in missing]
        )

    def _register_hook(self):
        # Runs once the registry is loaded: HMS addons installed after this one get their rules.
        super()._register_hook()
        if not self.env.cr.readonly:
            self._sync_default_rules()
