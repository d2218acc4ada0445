"""The Python runtime deployed on a test emulator so that its worker imports this checkout's oraclefn.

The emulator's oraclefn/python image runs this interpreter, but a function's environment is its own: the
package found through this process's PYTHONPATH is given to it in the function's configuration."""
import pathlib

import oraclefn
from oraclefn import runtime


def deploy_here(config):
    """The OCID of the runtime function, deployed with this oraclefn and its library in its environment."""
    package_root = pathlib.Path(oraclefn.__file__).resolve().parents[1]
    deployed = runtime.deploy(config, environment={"PYTHONPATH": str(package_root),
                                                   "ORACLEFN_LIBRARY": str(oraclefn.library_path)})
    return deployed["function_id"]
