/* Tests of keyrun: pairs given back in (key, seq) order, each once, whether they
 * fitted in the buffer or went through many runs of the temporary file; keys that
 * share long starts (front coding), that differ past their 8th byte, that are
 * prefixes of others, longer than the whole buffer; the same as a reference sort;
 * a folder where no file can be made, and no file left behind. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "check.h"
#include "i18n.h"
#include "import-keys.h"
#include "keyrun.h"
#include "search-keys.h"
#include "util.h"

struct pair {
	char *key;
	uint32_t seq;
};

/* The reference order: bytes, then length (strcmp on keys without NUL), then seq. */
static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* A key from a small alphabet, so that many share starts and some repeat. */
static char *random_key(unsigned *state)
{
	static const char *const parts[] = {"n:", "p:", "i:", "m:", "张", "王", "a", "b", "\xff", "1", "12345678"};
	size_t n = 1 + rand_r(state) % 6;
	struct strbuf sb = {0};
	for (size_t i = 0; i < n; i++)
		sb_append(&sb, parts[rand_r(state) % ARRAY_LEN(parts)]);
	return sb_take(&sb);
}

/* Feeds n random pairs (a few added twice) through a keyrun of budget bytes and
 * checks what comes back against qsort. */
static void check_order(size_t n, size_t budget, unsigned seed, bool want_runs)
{
	unsigned state = seed;
	struct pair *p = xcalloc(n, sizeof *p);
	struct keyrun *kr = keyrun_new(budget);
	for (size_t i = 0; i < n; i++) {
		p[i].key = random_key(&state);
		p[i].seq = (uint32_t)(i / 3);   /* a resident has several keys */
		CHECK(keyrun_add(kr, p[i].seq, "", 0, p[i].key, strlen(p[i].key)));
	}
	qsort(p, n, sizeof *p, pair_cmp);
	CHECK(keyrun_finish(kr));
	CHECK(want_runs ? keyrun_runs(kr) > 2 : keyrun_runs(kr) == 0);
	size_t at = 0, given = 0, bad = 0;
	const char *key;
	size_t len;
	uint32_t seq;
	int rc;
	while ((rc = keyrun_next(kr, &key, &len, &seq)) == 1) {
		while (at < n && at && pair_cmp(&p[at], &p[at - 1]) == 0)
			at++;   /* a pair added twice comes once */
		if (at >= n || len != strlen(p[at].key) || memcmp(key, p[at].key, len) != 0 || seq != p[at].seq)
			bad++;
		at++;
		given++;
	}
	while (at < n && at && pair_cmp(&p[at], &p[at - 1]) == 0)
		at++;
	CHECK_INT(rc, 0);
	CHECK_INT(bad, 0);
	CHECK_INT(at, n);
	CHECK(given < n);   /* the alphabet is small: some pairs did repeat */
	CHECK_STR(keyrun_error(kr), NULL);
	keyrun_free(kr);
	for (size_t i = 0; i < n; i++)
		free(p[i].key);
	free(p);
}

/* The keys of residents as search_keys_make makes them, through runs, in order. */
static void test_resident_keys(void)
{
	static const char *const people[][3] = {
		{"龙发利", "520111197003120111", "138 0000 0001"},
		{"张𠮷", NULL, "0851-1234567"},
		{"阿依古丽·买买提", "52011119601010078x", NULL},
		{"龙发", "520111197205200224", "13800000001"},
	};
	struct keyrun *kr = keyrun_new(1);   /* the smallest buffer: several runs */
	struct pair want[256];
	size_t n = 0;
	for (uint32_t rep = 0; rep < 40; rep++)
		for (size_t i = 0; i < ARRAY_LEN(people); i++) {
			uint32_t seq = rep * (uint32_t)ARRAY_LEN(people) + (uint32_t)i;
			CHECK(keyrun_add_resident(kr, seq, people[i][0], people[i][1], people[i][2]));
			if (rep)
				continue;
			struct search_keys k;
			search_keys_make(people[i][0], people[i][1], people[i][2], &k);
			for (size_t j = 0; j < k.n && n < ARRAY_LEN(want); j++)
				want[n++] = (struct pair){xstrdup(k.keys[j]), seq};
			search_keys_free(&k);
		}
	CHECK(keyrun_finish(kr));
	CHECK(keyrun_runs(kr) > 1);
	qsort(want, n, sizeof *want, pair_cmp);
	/* the first 4 residents' keys, among the others' in key order */
	size_t at = 0, total = 0;
	const char *key;
	size_t len;
	uint32_t seq;
	while (keyrun_next(kr, &key, &len, &seq) == 1) {
		total++;
		if (seq >= ARRAY_LEN(people))
			continue;
		CHECK(at < n && len == strlen(want[at].key) && memcmp(key, want[at].key, len) == 0 && seq == want[at].seq);
		at++;
	}
	CHECK_INT(at, n);
	CHECK_INT(total, n * 40);
	for (size_t i = 0; i < n; i++)
		free(want[i].key);
	keyrun_free(kr);
}

/* A key longer than the buffer goes in all the same, in its place. */
static void test_long_key(void)
{
	struct keyrun *kr = keyrun_new(4096);
	char *big = xmalloc(20001);
	memset(big, 'z', 20000);
	big[20000] = '\0';
	CHECK(keyrun_add(kr, 1, "n:", 2, "a", 1));
	CHECK(keyrun_add(kr, 2, "n:", 2, big, 20000));
	CHECK(keyrun_add(kr, 3, "n:", 2, "b", 1));
	CHECK(keyrun_finish(kr));
	const char *key;
	size_t len;
	uint32_t seq;
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), 1);
	CHECK_INT(seq, 1);
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), 1);
	CHECK_INT(seq, 3);
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), 1);
	CHECK_INT(seq, 2);
	CHECK_INT(len, 20002);
	CHECK(len == 20002 && key[1] == ':' && key[20001] == 'z');
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), 0);
	keyrun_free(kr);
	free(big);
}

/* A folder where no file can be made: the adding that needs a run fails and says
 * where; one that fits in the buffer needs no file at all. */
static void test_no_folder(void)
{
	setenv("TMPDIR", "/dev/null/nowhere", 1);
	struct keyrun *kr = keyrun_new(4096);
	bool ok = true;
	for (uint32_t i = 0; i < 1000 && ok; i++)
		ok = keyrun_add(kr, i, "n:", 2, "王小明", strlen("王小明"));
	CHECK(!ok);
	CHECK(keyrun_error(kr) && strstr(keyrun_error(kr), "/dev/null/nowhere"));
	CHECK(!keyrun_finish(kr));
	const char *key;
	size_t len;
	uint32_t seq;
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), -1);
	keyrun_free(kr);
	kr = keyrun_new(4096);
	CHECK(keyrun_add(kr, 0, "n:", 2, "王", strlen("王")));
	CHECK(keyrun_finish(kr));
	CHECK_INT(keyrun_next(kr, &key, &len, &seq), 1);
	keyrun_free(kr);
}

/* The files of a folder whose name starts with prefix. */
static int files_named(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	int n = 0;
	for (struct dirent *e; d && (e = readdir(d));)
		n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
	if (d)
		closedir(d);
	return n;
}

/* A register's resident_key, and want: the pairs the fill must put there. */
static sqlite3 *keys_db(void)
{
	sqlite3 *db = NULL;
	sqlite3_open(":memory:", &db);
	sqlite3_exec(db, "CREATE TABLE resident_key (key TEXT NOT NULL, resident_id INTEGER NOT NULL,"
		     " PRIMARY KEY (key, resident_id)) WITHOUT ROWID;"
		     "CREATE TABLE want (key TEXT, resident_id INTEGER)", NULL, NULL, NULL);
	return db;
}

/* n residents' keys through import_keys, every seventh row not written; the keys of
 * the written ones are also put in want, under the id the fill must give them. */
static struct import_keys *keys_of_rows(sqlite3 *db, uint32_t n, int64_t first)
{
	static const char *const chars[] = {"龙", "发", "利", "张", "秀", "英", "王", "大", "山", "吴"};
	struct import_keys *ik = import_keys_new(4096);
	sqlite3_stmt *want = NULL;
	sqlite3_prepare_v2(db, "INSERT INTO want VALUES (?1, ?2)", -1, &want, NULL);
	int64_t id = first;
	for (uint32_t seq = 0; seq < n; seq++) {
		char name[16], phone[16];
		snprintf(name, sizeof name, "%s%s%s", chars[seq % 10], chars[seq / 10 % 10], chars[seq / 100 % 10]);
		snprintf(phone, sizeof phone, "139%08u", seq);
		CHECK(import_keys_add(ik, seq, name, NULL, phone));
		if (seq % 7 == 3)
			continue;   /* refused by the writer: its keys are left out */
		import_keys_written(ik, seq);
		id++;
		struct search_keys k;
		search_keys_make(name, NULL, phone, &k);
		for (size_t j = 0; j < k.n; j++) {
			sqlite3_bind_text(want, 1, k.keys[j], -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(want, 2, id);
			sqlite3_step(want);
			sqlite3_reset(want);
		}
		search_keys_free(&k);
	}
	sqlite3_finalize(want);
	return ik;
}

static long long query_count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *stmt = NULL;
	long long n = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return n;
}

/* The fill: the merge handed over by its own thread in many blocks, every written
 * row's keys under its id and no other; an INSERT that fails half-way stops the
 * merge's thread, which is joined, and says why. */
static void test_import_keys_fill(void)
{
	sqlite3 *db = keys_db();
	struct import_keys *ik = keys_of_rows(db, 20000, 1000);
	char *err = NULL;
	CHECK(import_keys_finish(ik));   /* as the reading thread does */
	CHECK_INT(import_keys_fill(ik, db, 1000, &err), 0);
	CHECK_STR(err, NULL);
	CHECK(query_count(db, "SELECT sum(length(key) + 12) FROM resident_key") > 20 * 65536);
	CHECK_INT(query_count(db, "SELECT count(*) FROM (SELECT DISTINCT * FROM want)"),
		  query_count(db, "SELECT count(*) FROM resident_key"));
	CHECK_INT(query_count(db, "SELECT count(*) FROM (SELECT * FROM want EXCEPT SELECT * FROM resident_key)"), 0);
	import_keys_free(ik);
	sqlite3_close(db);

	db = keys_db();
	ik = keys_of_rows(db, 20000, 1000);
	sqlite3_exec(db, "CREATE TRIGGER full BEFORE INSERT ON resident_key WHEN NEW.key >= 'p:'"
		     " BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END", NULL, NULL, NULL);
	CHECK_INT(import_keys_fill(ik, db, 1000, &err), -1);
	CHECK(err && strstr(err, "disk is full"));
	CHECK_INT(query_count(db, "SELECT count(*) FROM resident_key"), 0);
	free(err);
	import_keys_free(ik);
	sqlite3_close(db);
}

int main(void)
{
	i18n_init("en");
	char dir[] = "/tmp/sz-test-keyrun-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	setenv("TMPDIR", dir, 1);
	check_order(1000, 1 << 20, 1, false);
	check_order(20000, 4096, 2, true);
	check_order(50000, 65536, 3, true);
	/* a file was made and is gone while its keyrun is still open */
	struct keyrun *kr = keyrun_new(4096);
	for (uint32_t i = 0; i < 2000; i++)
		keyrun_add(kr, i, "n:", 2, "龙", strlen("龙"));
	CHECK(keyrun_runs(kr) > 0);
	CHECK_INT(files_named(dir, "shanzhi-"), 0);
	keyrun_free(kr);
	test_resident_keys();
	test_long_key();
	test_import_keys_fill();
	CHECK_INT(files_named(dir, "shanzhi-"), 0);
	test_no_folder();
	rmdir(dir);
	return check_finish();
}
