from . import test_catalogue
from . import test_order
from . import test_result
from . import test_critical
from . import test_hl7
from . import test_access
from . import test_portal
