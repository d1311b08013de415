/*
 * fuzz_rules.c
 *	  libFuzzer harness for the screening rule files (the NAME.rules files
 *	  of data/screening/schemes): any bytes are written as a scheme file and loaded;
 *	  a rule set that loads is asked to classify an empty finding and one
 *	  with every field set, which must either classify or refuse cleanly.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fangai/arena.h"
#include "fangai/screening.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_FIELDS 64

static char datadir[64];
static char path[128];

static void
remove_datadir(void)
{
	char dir[96];

	remove(path);
	snprintf(dir, sizeof(dir), "%s/screening/schemes", datadir);
	rmdir(dir);
	snprintf(dir, sizeof(dir), "%s/screening", datadir);
	rmdir(dir);
	rmdir(datadir);
}

static int
make_datadir(void)
{
	char dir[96];

	snprintf(datadir, sizeof(datadir), "/tmp/fangai-fuzz-rules.XXXXXX");
	if (mkdtemp(datadir) == NULL)
		return -1;
	snprintf(dir, sizeof(dir), "%s/screening", datadir);
	mkdir(dir, 0700);
	snprintf(dir, sizeof(dir), "%s/screening/schemes", datadir);
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/fuzz.rules", dir);
	atexit(remove_datadir);
	return 0;
}

static void
classify_twice(const fg_ruleset *rs)
{
	const char *values[MAX_FIELDS] = {0};
	struct fg_screen_result r;
	size_t n = fg_ruleset_field_count(rs);

	fg_ruleset_classify(rs, values, &r, NULL);
	for (size_t i = 0; i < n && i < MAX_FIELDS; i++)
		values[i] = i % 2 ? "1" : "baseline";
	if (n <= MAX_FIELDS)
		fg_ruleset_classify(rs, values, &r, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_arena arena;
	const fg_ruleset *rs = NULL;
	FILE *f;

	if (datadir[0] == '\0' && make_datadir() != 0)
		return 0;
	f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	fg_arena_init(&arena, 1 << 24);
	if (fg_ruleset_load(datadir, "fuzz", &arena, &rs, NULL) == FG_OK)
		classify_twice(rs);
	fg_arena_free(&arena);
	return 0;
}
