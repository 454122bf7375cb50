#!/usr/bin/env python3
"""Generate the Ed25519 key that signs the audit checkpoints.

    python scripts/audit_keygen.py /etc/odoo/hms-audit-signing.pem

Writes the private key (mode 600) and prints the public key. Keep the private key outside the
database and its backups; set ``hms_audit_signing_key`` to its path in the Odoo configuration;
give the public key to whoever checks exported checkpoints.
"""

import argparse
import os
import sys

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", help="where to write the private key (PEM)")
    args = parser.parse_args(argv)
    if os.path.exists(args.path):
        parser.error(f"{args.path} exists: never overwrite a signing key")
    key = Ed25519PrivateKey.generate()
    descriptor = os.open(args.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    print(public.decode(), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
