def migrate(cr, version):
    """The scheduled actions are noupdate now: an upgrade keeps what an administrator changed;
    mixins (abstract models) have no records to audit."""
    cr.execute(
        "UPDATE ir_model_data SET noupdate = TRUE WHERE module = 'hms_audit' AND model = 'ir.cron'"
    )
    cr.execute(
        "DELETE FROM hms_audit_rule WHERE model IN"
        " ('hms.append.only.mixin', 'hms.clinic.numbered.mixin', 'hms.locked.mixin')"
    )
