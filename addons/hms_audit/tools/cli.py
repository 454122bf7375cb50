"""What scripts/audit_verify.py and audit_archive.py print: kept in the addon so that the
tests run it too."""

from odoo.exceptions import UserError


def verify_report(env, from_checkpoint=False, archive=False):
    """Verify the chain (or its archive) and the signed checkpoints: (exit code, one line)."""
    result = env["hms.audit.verification"]._verify(from_checkpoint=from_checkpoint, archive=archive)
    if result["valid"]:
        start = f" from checkpoint {result['from_sequence']}" if result["from_sequence"] else ""
        text = (
            f"OK: {result['count']} {'archived ' if archive else ''}events{start}, "
            f"head {result['head']}, "
            f"{result['unsealed']} pending, {result['duration']:.3f}s"
        )
        return 0, text
    if result["broken"]:
        return 1, f"BROKEN: the chain is broken at event {result['broken']}"
    return 1, f"BROKEN: {result['checkpoint_failure']}"


def archive_report(env, before):
    """Archive the events older than the month of ``before``: (exit code, one line)."""
    try:
        moved = env["hms.audit.event"]._archive_before(before)
    except UserError as error:
        return 1, f"REFUSED: {error.args[0]}"
    return 0, f"OK: {moved} events archived"
