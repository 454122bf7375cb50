#!/usr/bin/env python3
"""Archive the HMS audit events older than a month, or verify the archive.

    python scripts/audit_archive.py -c odoo.conf -d hms --before 2024-01
    python scripts/audit_archive.py -c odoo.conf -d hms --verify

--before moves the sealed events older than that month into the monthly partitions of
hms_audit_event_archive (a signed checkpoint at or after the last one moved is required);
--verify walks the archived chain. Exits 1 when refused or broken.
"""

import argparse
import sys


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--before", help="first month kept live, YYYY-MM")
    action.add_argument("--verify", action="store_true", help="verify the archived chain")
    args = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database])
    from odoo.addons.hms_audit.tools.cli import archive_report, verify_report

    with Registry(args.database).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.verify:
            code, text = verify_report(env, archive=True)
        else:
            code, text = archive_report(env, f"{args.before}-01")
    print(text)
    return code


if __name__ == "__main__":
    sys.exit(main())
