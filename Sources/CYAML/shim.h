/* libyaml, the parser Yams wraps; used directly so that liboraclefn.so stays free of Foundation. */
#include <yaml.h>
