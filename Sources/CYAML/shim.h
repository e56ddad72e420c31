#ifndef GWCTL_CYAML_SHIM_H
#define GWCTL_CYAML_SHIM_H
#include <yaml.h>
#endif
