from . import test_booking
from . import test_slots
from . import test_concurrency
from . import test_queue
from . import test_notifications
from . import test_access
from . import test_portal
from . import test_settings
