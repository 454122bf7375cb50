from . import safety
