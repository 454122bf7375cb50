from . import portal
from . import queue
