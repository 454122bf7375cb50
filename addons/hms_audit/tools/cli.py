"""What scripts/audit_verify.py prints: kept in the addon so that the tests run it too."""


def verify_report(env, from_checkpoint=False):
    """Verify the chain and the signed checkpoints: (exit code, one-line report)."""
    result = env["hms.audit.verification"]._verify(from_checkpoint=from_checkpoint)
    if result["valid"]:
        start = f" from checkpoint {result['from_sequence']}" if result["from_sequence"] else ""
        text = (
            f"OK: {result['count']} events{start}, head {result['head']}, "
            f"{result['unsealed']} pending, {result['duration']:.3f}s"
        )
        return 0, text
    if result["broken"]:
        return 1, f"BROKEN: the chain is broken at event {result['broken']}"
    return 1, f"BROKEN: {result['checkpoint_failure']}"
