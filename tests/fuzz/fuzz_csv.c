/*
 * fuzz_csv.c
 *	  libFuzzer harness for the streaming CSV reader: any bytes, read to the
 *	  end with a header and a small record cap; every field must lie within
 *	  the record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fangai/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fg_csv_options opts = {.header = size > 0 && data[0] & 1, .comments = size > 0 && data[0] & 2,
				      .max_record = 512};
	FILE *f;
	fg_csv *csv = NULL;
	bool row = true;

	if (size == 0)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (f == NULL)
		return 0;
	if (fg_csv_open_stream(f, "fuzz.csv", &opts, &csv, NULL) == FG_OK) {
		while (fg_csv_read(csv, &row, NULL) == FG_OK && row) {
			size_t total = 0;

			for (size_t i = 0; i < fg_csv_count(csv); i++)
				total += strlen(fg_csv_field(csv, i)) + 1;
			if (total > opts.max_record)
				abort();
			fg_csv_column(csv, "name");
		}
		fg_csv_close(csv);
	}
	fclose(f);
	return 0;
}
