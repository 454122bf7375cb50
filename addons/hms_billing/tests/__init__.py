from . import test_access
from . import test_charge
from . import test_concurrency
from . import test_invoice
from . import test_payment
from . import test_sources
from . import test_desk
