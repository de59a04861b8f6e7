/*
 * main.c - entry point of the `assay` program.
 */
#include "cli.h"

int
main(int argc, char **argv)
{
	return assay_cli_main(argc, argv);
}
