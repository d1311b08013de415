/*
 * fuzz_cli.c
 *	  libFuzzer harness for the fangai command's argument handling: the
 *	  command table, option parsing (--name VALUE, --name=VALUE, flags,
 *	  "--"), help, and each command's own parsing of its values, run
 *	  through the real main() against an in-memory database.
 *
 *	  The input is split at NUL bytes into arguments; its first byte picks
 *	  the command.  Commands that write files (backup, restore) or whose
 *	  running time grows with a value (synth) are left out, and so is
 *	  --db: the database is always $FANGAI_DB=":memory:".
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fangai_main(int argc, char **argv);

#define main fangai_main
#include "../../src/fangai.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 16

static const char *const commands[] = {
	"help", "init", "migrate", "institution", "person", "id", "stats", "check", "frob",
};

static void
setup(void)
{
	int null = open("/dev/null", O_WRONLY);

	if (null < 0 || dup2(null, STDOUT_FILENO) < 0)
		abort();
	close(null);
	setenv("FANGAI_DB", ":memory:", 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char *argv[MAX_ARGS + 3], *text;
	int argc = 0;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size < 1 || size > 4096)
		return 0;
	text = malloc(size);
	if (text == NULL)
		return 0;
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	argv[argc++] = (char *)"fangai";
	argv[argc++] = (char *)commands[data[0] % (sizeof(commands) / sizeof(commands[0]))];
	for (char *p = text; p < text + size - 1 && argc < MAX_ARGS + 2; p += strlen(p) + 1)
		if (strncmp(p, "--db", 4) != 0 && strncmp(p, "--d=", 4) != 0)
			argv[argc++] = p;
	argv[argc] = NULL;
	fangai_main(argc, argv);
	free(text);
	return 0;
}
