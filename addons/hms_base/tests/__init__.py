from . import test_access
from . import test_crypto
from . import test_multi_company
from . import test_practitioner
from . import test_qr
from . import test_sequence
from . import test_sign_in_policy
from . import test_sessions
