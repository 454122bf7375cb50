"""What scripts/audit_verify.py prints: kept in the addon so that the tests run it too."""


def verify_report(env):
    """Verify the chain and the signed checkpoints: (exit code, one-line report)."""
    result = env["hms.audit.verification"]._verify()
    if result["valid"]:
        text = (
            f"OK: {result['count']} events, head {result['head']}, "
            f"{result['unsealed']} pending, {result['duration']:.3f}s"
        )
        return 0, text
    if result["broken"]:
        return 1, f"BROKEN: the chain is broken at event {result['broken']}"
    return 1, f"BROKEN: {result['checkpoint_failure']}"
