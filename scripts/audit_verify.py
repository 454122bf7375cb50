#!/usr/bin/env python3
"""Verify the HMS audit chain and its signed checkpoints.

    python scripts/audit_verify.py -c odoo.conf -d hms [--from-checkpoint]

Prints OK with the number of events, or the first broken event; exits 1 when broken.
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument(
        "--from-checkpoint",
        action="store_true",
        help="start at the latest valid signed checkpoint instead of the first event",
    )
    args = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    from odoo.addons.hms_audit.tools.cli import verify_report

    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        code, text = verify_report(env, from_checkpoint=args.from_checkpoint)
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
