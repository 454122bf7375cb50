from . import test_access
from . import test_concurrency
from . import test_dispensing
from . import test_inventory
from . import test_portal
from . import test_prescription
from . import test_safety
from . import test_safety_queries
