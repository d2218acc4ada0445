"""lithops.concurrent.futures: see oraclefn.concurrent."""
from ...concurrent import *  # noqa: F401,F403
from ...concurrent import __all__  # noqa: F401
