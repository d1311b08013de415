/*
 * test_faults.c
 *	  Fault injection along the main write paths: migrations, institution
 *	  add, person add and a synthetic-city batch.  Each kind of fault is
 *	  made to strike the 1st, 2nd, 3rd ... call of its kind until the
 *	  operation runs through untouched:
 *
 *	    sqlite-malloc   SQLite's allocations (sqlite3_config(SQLITE_CONFIG_MALLOC))
 *	    lib-malloc      libfangai's own malloc/calloc/realloc/strdup (this
 *	                    binary is linked with -Wl,--wrap for them)
 *	    write           xWrite and xTruncate of a shim VFS over the default one
 *	    sync            xSync of the same shim
 *
 *	  each once (the Nth call fails, later ones succeed: a transient fault)
 *	  and persistently (the Nth and every later call fail).  After each run:
 *	  a failure was reported as an error (never FG_OK with data missing);
 *	  the database holds the whole write or none of it; no transaction was
 *	  left open on the connection (another connection can write); the same
 *	  connection can do the write once the fault has passed; and the
 *	  integrity and foreign-key checks are clean.
 *
 *	  Quick runs (make check) try SQLite allocations and writes with a
 *	  stride per path, and every call of the other kinds; make check-long
 *	  sets FANGAI_FAULT_STRIDE=1: every N.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "fangai/backup.h"
#include "fangai/institution.h"
#include "fangai/person.h"
#include "fangai/store.h"
#include "fangai/synth.h"

/* ---- The fault switch ---------------------------------------------------- */

enum fault_kind { FAULT_SQLITE_MALLOC, FAULT_LIB_MALLOC, FAULT_WRITE, FAULT_SYNC, NKINDS };

static const char *const kind_names[NKINDS] = {"sqlite-malloc", "lib-malloc", "write", "sync"};

static struct {
	bool armed;
	enum fault_kind kind;
	bool persistent;
	long n;			/* the call that fails first */
	long calls;		/* calls of the armed kind so far */
	bool fired;
} fault;

static void
fault_arm(enum fault_kind kind, long n, bool persistent)
{
	fault.kind = kind;
	fault.n = n;
	fault.persistent = persistent;
	fault.calls = 0;
	fault.fired = false;
	fault.armed = true;
}

/* Should this call of the given kind fail? */
static bool
fault_strikes(enum fault_kind kind)
{
	if (!fault.armed || fault.kind != kind)
		return false;
	fault.calls++;
	if (fault.calls == fault.n || (fault.persistent && fault.calls > fault.n)) {
		fault.fired = true;
		return true;
	}
	return false;
}

/* ---- libfangai's allocations (linked with --wrap) ------------------------ */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);

void *
__wrap_malloc(size_t n)
{
	return fault_strikes(FAULT_LIB_MALLOC) ? NULL : __real_malloc(n);
}

void *
__wrap_calloc(size_t n, size_t size)
{
	return fault_strikes(FAULT_LIB_MALLOC) ? NULL : __real_calloc(n, size);
}

void *
__wrap_realloc(void *p, size_t n)
{
	return fault_strikes(FAULT_LIB_MALLOC) ? NULL : __real_realloc(p, n);
}

char *
__wrap_strdup(const char *s)
{
	return fault_strikes(FAULT_LIB_MALLOC) ? NULL : __real_strdup(s);
}

/* ---- SQLite's allocations ------------------------------------------------ */

static sqlite3_mem_methods real_mem;

static void *
mem_malloc(int n)
{
	return fault_strikes(FAULT_SQLITE_MALLOC) ? NULL : real_mem.xMalloc(n);
}

static void *
mem_realloc(void *p, int n)
{
	return fault_strikes(FAULT_SQLITE_MALLOC) ? NULL : real_mem.xRealloc(p, n);
}

/* ---- A shim VFS failing writes and syncs ----------------------------------- */

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;
static sqlite3_io_methods shim_io;

struct shim_file {
	sqlite3_file base;
	sqlite3_file *real;	/* follows this struct in the same allocation */
};

#define REAL(f) (((struct shim_file *)(f))->real)

static int
shim_close(sqlite3_file *f)
{
	return REAL(f)->pMethods->xClose(REAL(f));
}

static int
shim_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int
shim_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
	if (fault_strikes(FAULT_WRITE))
		return SQLITE_IOERR_WRITE;
	return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int
shim_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	if (fault_strikes(FAULT_WRITE))
		return SQLITE_IOERR_TRUNCATE;
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int
shim_sync(sqlite3_file *f, int flags)
{
	if (fault_strikes(FAULT_SYNC))
		return SQLITE_IOERR_FSYNC;
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int
shim_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int
shim_lock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xLock(REAL(f), level);
}

static int
shim_unlock(sqlite3_file *f, int level)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), level);
}

static int
shim_check_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int
shim_file_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int
shim_sector_size(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int
shim_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int
shim_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **p)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, p);
}

static int
shim_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void
shim_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int
shim_shm_unmap(sqlite3_file *f, int delete_flag)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), delete_flag);
}

static int
shim_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **p)
{
	return REAL(f)->pMethods->xFetch(REAL(f), off, n, p);
}

static int
shim_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static int
shim_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
	struct shim_file *s = (struct shim_file *)f;
	int rc;

	s->real = (sqlite3_file *)&s[1];
	rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out_flags);
	s->base.pMethods = s->real->pMethods ? &shim_io : NULL;
	return rc;
}

static void
install_faults(void)
{
	sqlite3_mem_methods mem;

	sqlite3_shutdown();
	sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real_mem);
	mem = real_mem;
	mem.xMalloc = mem_malloc;
	mem.xRealloc = mem_realloc;
	sqlite3_config(SQLITE_CONFIG_MALLOC, &mem);
	sqlite3_initialize();

	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "fault-shim";
	shim_vfs.szOsFile = (int)sizeof(struct shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = shim_open;
	shim_io = (sqlite3_io_methods){
		.iVersion = 3, .xClose = shim_close, .xRead = shim_read, .xWrite = shim_write,
		.xTruncate = shim_truncate, .xSync = shim_sync, .xFileSize = shim_file_size,
		.xLock = shim_lock, .xUnlock = shim_unlock, .xCheckReservedLock = shim_check_reserved,
		.xFileControl = shim_file_control, .xSectorSize = shim_sector_size,
		.xDeviceCharacteristics = shim_device, .xShmMap = shim_shm_map,
		.xShmLock = shim_shm_lock, .xShmBarrier = shim_shm_barrier,
		.xShmUnmap = shim_shm_unmap, .xFetch = shim_fetch, .xUnfetch = shim_unfetch,
	};
	sqlite3_vfs_register(&shim_vfs, 1);
}

/* ---- Databases ---------------------------------------------------------- */

struct ctx {
	char dir[64];
	char path[128];		/* the database of the current run */
	char template_empty[128];	/* migrated, no rows */
	char template_city[128];	/* the demo city's institutions, 3 persons */
	fg_store *store;
	int64_t n_before;	/* rows of the table written, before the run */
	struct fg_synth_report synth;
};

static const struct fg_store_options durable = {.create = true, .durable = true};

static void
remove_db(const char *path)
{
	char side[160];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[65536];
	size_t n;

	remove_db(to);
	out = fopen(to, "wb");
	assert_non_null(in);
	assert_non_null(out);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		assert_int_equal(fwrite(buf, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

/* A query's integer result through a connection of its own. */
static int64_t
count(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int64_t v = -1;

	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 0);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* True if another connection can start a write: no transaction was left open. */
static bool
writable_by_others(const char *path)
{
	sqlite3 *db = NULL;
	int rc;

	if (access(path, F_OK) != 0)
		return true;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 0);
	rc = sqlite3_exec(db, "BEGIN IMMEDIATE; ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc == SQLITE_OK;
}

static void
make_templates(struct ctx *c)
{
	struct fg_synth_options so = {.seed = 3, .persons = 3, .as_of = fg_date_from_ymd(2025, 12, 31)};
	struct fg_synth_report rep;
	fg_store *s = NULL;

	snprintf(c->template_empty, sizeof(c->template_empty), "%s/empty.db", c->dir);
	snprintf(c->template_city, sizeof(c->template_city), "%s/city.db", c->dir);
	assert_int_equal(fg_store_open(c->template_empty, &durable, &s, NULL), FG_OK);
	assert_int_equal(fg_store_migrate(s, NULL, NULL), FG_OK);
	fg_store_close(s);
	assert_int_equal(fg_store_open(c->template_city, &durable, &s, NULL), FG_OK);
	assert_int_equal(fg_store_migrate(s, NULL, NULL), FG_OK);
	assert_int_equal(fg_synth_city(s, &so, &rep, NULL), FG_OK);
	fg_store_close(s);
}

/* ---- The write paths ----------------------------------------------------- */

/*
 * Each path has a prepare step (no faults: a fresh database, the store
 * opened unless the path opens it), the write itself (under the fault), and
 * a check of the database afterwards given the write's return code.
 */
struct path {
	const char *name;
	void (*prepare)(struct ctx *c);
	fg_rc (*write)(struct ctx *c, struct fg_error *err);
	void (*check)(struct ctx *c, fg_rc rc);
	bool retry;		/* the same write can be repeated on the connection */
	long quick_malloc;	/* quick runs try every k-th SQLite allocation */
	long quick_write;	/* and every k-th write */
};

static void
prepare_fresh(struct ctx *c)
{
	remove_db(c->path);
	c->store = NULL;
}

static fg_rc
write_migrations(struct ctx *c, struct fg_error *err)
{
	fg_rc rc = FG_OK;

	if (c->store == NULL)
		rc = fg_store_open(c->path, &durable, &c->store, err);
	if (rc == FG_OK)
		rc = fg_store_migrate(c->store, NULL, err);
	return rc;
}

static void
check_migrations(struct ctx *c, fg_rc rc)
{
	int64_t version, tables;

	if (access(c->path, F_OK) != 0) {
		assert_int_not_equal(rc, FG_OK);
		return;
	}
	tables = count(c->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'"
				" AND name <> 'schema_migration'");
	version = tables > 0 ? count(c->path, "SELECT max(version) FROM schema_migration") : 0;
	if (rc == FG_OK)
		assert_true(version >= 1 && tables > 20);
	/* all of a migration or none of it */
	assert_true((version == 0 && tables == 0) || (version >= 1 && tables > 20));
}

static void
prepare_copy(struct ctx *c, const char *template, const char *table_count_sql)
{
	copy_file(template, c->path);
	assert_int_equal(fg_store_open(c->path, &durable, &c->store, NULL), FG_OK);
	c->n_before = count(c->path, table_count_sql);
}

static void
prepare_institution(struct ctx *c)
{
	prepare_copy(c, c->template_city, "SELECT count(*) FROM institution");
}

static fg_rc
write_institution(struct ctx *c, struct fg_error *err)
{
	struct fg_institution_input in = {
		.uscc = "91350100M000100Y43", .name = "示范市癌症中心分院", .kind = "hospital",
		.parent = "1",
	};
	struct fg_institution out;

	return fg_institution_add(c->store, &in, &out, err);
}

static void
check_institution(struct ctx *c, fg_rc rc)
{
	int64_t n = count(c->path, "SELECT count(*) FROM institution");
	int64_t same = count(c->path, "SELECT count(*) FROM institution WHERE uscc = '91350100M000100Y43'"
				      " AND name = '示范市癌症中心分院' AND kind = 'hospital' AND parent_id = 1");

	assert_int_equal(n, c->n_before + (rc == FG_OK));
	assert_int_equal(same, rc == FG_OK);
}

static void
prepare_person(struct ctx *c)
{
	prepare_copy(c, c->template_city, "SELECT count(*) FROM person");
}

static fg_rc
write_person(struct ctx *c, struct fg_error *err)
{
	struct fg_person_input in = {
		.institution = "2", .id_number = "11010519491231002X", .name = "張美玲",
		.phone = "13800138000", .address = "东城区长安路1号",
	};
	struct fg_person out;
	bool matched;
	fg_rc rc = fg_person_add(c->store, &in, &out, &matched, NULL, err);

	if (rc == FG_OK)
		assert_false(matched);
	return rc;
}

static void
check_person(struct ctx *c, fg_rc rc)
{
	int64_t n = count(c->path, "SELECT count(*) FROM person");
	int64_t same = count(c->path, "SELECT count(*) FROM person WHERE id_number = '11010519491231002X'"
				      " AND name = '張美玲' AND name_key = '张美玲' AND sex = '2'"
				      " AND birth_date = '1949-12-31' AND phone = '13800138000'");

	assert_int_equal(n, c->n_before + (rc == FG_OK));
	assert_int_equal(same, rc == FG_OK);
}

#define SYNTH_PERSONS 12
#define SYNTH_BATCH 4

static void
prepare_synth(struct ctx *c)
{
	prepare_copy(c, c->template_empty, "SELECT count(*) FROM person");
}

static fg_rc
write_synth(struct ctx *c, struct fg_error *err)
{
	struct fg_synth_options so = {.seed = 11, .persons = SYNTH_PERSONS, .batch = SYNTH_BATCH,
				      .as_of = fg_date_from_ymd(2025, 12, 31)};

	return fg_synth_city(c->store, &so, &c->synth, err);
}

static void
check_synth(struct ctx *c, fg_rc rc)
{
	int64_t inst = count(c->path, "SELECT count(*) FROM institution");
	int64_t persons = count(c->path, "SELECT count(*) FROM person");

	assert_true(inst == 0 || inst == 31);	/* the institutions in one transaction */
	assert_int_equal(persons % SYNTH_BATCH, 0);	/* whole batches only */
	assert_int_equal(persons, c->synth.persons);	/* reported = stored */
	if (rc == FG_OK)
		assert_true(inst == 31 && persons == SYNTH_PERSONS);
}

static const struct path paths[] = {
	{"migrations", prepare_fresh, write_migrations, check_migrations, true, 101, 7},
	{"institution add", prepare_institution, write_institution, check_institution, true, 5, 1},
	{"person add", prepare_person, write_person, check_person, true, 5, 1},
	{"synth batch", prepare_synth, write_synth, check_synth, false, 41, 3},
};

/* ---- The loop ----------------------------------------------------------- */

struct tally {
	long runs, errors, absorbed, left_open;
};

/* Run one path once with the Nth call of kind failing; false once N is past the last call. */
static bool
run_once(struct ctx *c, const struct path *p, enum fault_kind kind, long n, bool persistent,
	 struct tally *t)
{
	struct fg_findings problems;
	struct fg_arena arena;
	struct fg_error err;
	fg_rc rc;

	p->prepare(c);
	fg_error_clear(&err);
	fault_arm(kind, n, persistent);
	rc = p->write(c, &err);
	fault.armed = false;
	if (!fault.fired) {
		assert_int_equal(rc, FG_OK);
		p->check(c, rc);
		fg_store_close(c->store);
		return false;
	}
	t->runs++;
	if (rc != FG_OK) {
		t->errors++;
		assert_true(err.code == rc && err.message[0] != '\0');	/* a clean error */
	} else
		t->absorbed++;	/* SQLite recovered from it: the data must all be there */
	p->check(c, rc);
	if (!writable_by_others(c->path)) {
		/*
		 * SQLite could not roll back while out of memory: acceptable only
		 * while the fault lasts, and healed by the next use of the store.
		 */
		if (!persistent || kind != FAULT_SQLITE_MALLOC)
			fail_msg("%s, %s fault at call %ld (%s): a transaction was left open after "
				 "\"%s\"", p->name, kind_names[kind], n, persistent ? "persistent" : "once",
				 err.message);
		t->left_open++;
		if (c->store != NULL) {
			assert_int_equal(fg_store_begin(c->store, NULL), FG_OK);
			fg_store_rollback(c->store);
		}
		assert_true(writable_by_others(c->path));
	}
	if (p->retry && rc != FG_OK) {
		assert_int_equal(p->write(c, &err), FG_OK);
		p->check(c, FG_OK);
	}
	fg_store_close(c->store);
	c->store = NULL;
	fg_arena_init(&arena, 0);
	fg_findings_init(&problems, &arena);
	assert_int_equal(fg_store_open(c->path, &durable, &c->store, NULL), FG_OK);
	assert_int_equal(fg_store_check(c->store, &problems, NULL), FG_OK);
	if (problems.count > 0)
		fail_msg("%s, %s fault at call %ld: %s", p->name, kind_names[kind], n,
			 problems.items[0].message);
	fg_store_close(c->store);
	c->store = NULL;
	fg_arena_free(&arena);
	return true;
}

/*
 * Step between the calls made to fail: 1 (every one) when
 * FANGAI_FAULT_STRIDE=1, as make check-long sets; else the path's quick
 * stride for SQLite allocations and writes, a sample spread over the whole
 * path.  libfangai's allocations and syncs: every call.
 */
static long
stride(const struct path *p, enum fault_kind kind)
{
	const char *s = getenv("FANGAI_FAULT_STRIDE");
	long k = s ? atol(s) : 0;

	if (kind == FAULT_SQLITE_MALLOC)
		return k >= 1 ? k : p->quick_malloc;
	if (kind == FAULT_WRITE)
		return k >= 1 ? k : p->quick_write;
	return 1;
}

static void
run_path(void **state, const struct path *p)
{
	struct ctx *c = *state;

	for (int kind = 0; kind < NKINDS; kind++)
		for (int persistent = 0; persistent < 2; persistent++) {
			struct tally t = {0};
			long n = 1;

			while (run_once(c, p, (enum fault_kind)kind, n, persistent, &t))
				n += stride(p, (enum fault_kind)kind);
			print_message("# %s: %s faults (%s): %ld runs, %ld errors, %ld absorbed, "
				      "%ld left open until the next call; %ld calls in a clean run\n",
				      p->name, kind_names[kind], persistent ? "persistent" : "once",
				      t.runs, t.errors, t.absorbed, t.left_open, fault.calls);
		}
}

static void
test_migrations(void **state)
{
	run_path(state, &paths[0]);
}

static void
test_institution_add(void **state)
{
	run_path(state, &paths[1]);
}

static void
test_person_add(void **state)
{
	run_path(state, &paths[2]);
}

static void
test_synth_batch(void **state)
{
	run_path(state, &paths[3]);
}

static int
setup(void **state)
{
	static struct ctx c;

	/* tmpfs where there is one: syncs are cheap there, and still counted */
	snprintf(c.dir, sizeof(c.dir), "%s/fangai-faults-XXXXXX",
		 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (mkdtemp(c.dir) == NULL)
		return -1;
	snprintf(c.path, sizeof(c.path), "%s/run.db", c.dir);
	make_templates(&c);
	*state = &c;
	return 0;
}

static int
teardown(void **state)
{
	struct ctx *c = *state;
	char path[160];

	remove_db(c->path);
	remove_db(c->template_empty);
	remove_db(c->template_city);
	snprintf(path, sizeof(path), "%s", c->dir);
	return rmdir(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrations),
		cmocka_unit_test(test_institution_add),
		cmocka_unit_test(test_person_add),
		cmocka_unit_test(test_synth_batch),
	};

	install_faults();
	return cmocka_run_group_tests(tests, setup, teardown);
}
