/* main.c: the `motcua` command line, a thin face over the core. */

#include "motcua-cli.h"

int
main (int argc, char **argv)
{
  return motcua_cli_run (argc, argv);
}
