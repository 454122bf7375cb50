from . import crypto
from . import qr
