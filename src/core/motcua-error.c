#include "motcua-error.h"

G_DEFINE_QUARK (motcua-error-quark, motcua_error)
