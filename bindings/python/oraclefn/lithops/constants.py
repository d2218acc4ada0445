"""lithops.constants, as oraclefn runs Lithops programs: one serverless backend (oracle_f) and one storage
backend (oracle_oss); the other names keep Lithops' values so that code reading them still runs."""
import os
import tempfile

LOGGER_LEVEL = "info"
LOGGER_STREAM = "ext://sys.stderr"
LOGGER_FORMAT = "%(asctime)s [%(levelname)s] %(filename)s:%(lineno)s -- %(message)s"
LOGGER_FORMAT_SHORT = "[%(levelname)s] %(filename)s:%(lineno)s -- %(message)s"
LOGGER_LEVEL_CHOICES = ("debug", "info", "warning", "error", "critical")

LOCALHOST = "localhost"
SERVERLESS = "serverless"
STANDALONE = "standalone"
MODE_DEFAULT = SERVERLESS

#: oraclefn runs on Oracle Functions (or its emulator) and keeps data in Object Storage.
SERVERLESS_BACKEND_DEFAULT = "oracle_f"
STORAGE_BACKEND_DEFAULT = "oracle_oss"
SERVERLESS_BACKENDS = ("oracle_f",)
STANDALONE_BACKENDS = ()
STORAGE_BACKENDS = ("oracle_oss",)

CPU_COUNT = os.cpu_count()
WORKER_PROCESSES_DEFAULT = 1
MAX_AGG_DATA_SIZE = 4  # MiB

JOBS_PREFIX = "oraclefn.jobs"
TEMP_PREFIX = "oraclefn.jobs/tmp"
LOGS_PREFIX = "oraclefn.logs"
RUNTIMES_PREFIX = "oraclefn.runtimes"

#: Inside a function: the calling job (oraclefn's counterpart of Lithops' LITHOPS_CONFIG).
JOB_ENV = "ORACLEFN_JOB"
WORKER_ENV = JOB_ENV

TEMP_DIR = os.path.realpath(tempfile.gettempdir())
LITHOPS_TEMP_DIR = os.path.join(TEMP_DIR, f"oraclefn-{os.getenv('USER', 'root')}")
LOGS_DIR = os.path.join(os.path.expanduser("~"), ".oraclefn", "logs")
HOME_DIR = os.path.expanduser("~")
CONFIG_DIR = os.path.join(HOME_DIR, ".lithops")
CONFIG_FILE = os.path.join(CONFIG_DIR, "config")
CONFIG_FILE_GLOBAL = "/etc/lithops/config"

LITHOPS_DEFAULT_CONFIG_KEYS = {
    "monitoring": "storage",
    "monitoring_interval": 2,
    "telemetry": False,
    "telemetry_interval": 10,
    "execution_timeout": 1800,
}
