/* jobs.c - the job queue of customs serve and customs worker, a table of
 * the store: a job is queued, claimed by one worker for a lease that the
 * worker extends while it runs, and done or failed.  A worker that dies
 * (kill -9, a lost machine) stops extending its lease; once it has run out
 * the job is claimed again.  PostgreSQL claims with SELECT ... FOR UPDATE
 * SKIP LOCKED (workers never wait on each other); SQLite's write
 * transaction already lets one claim at a time. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_int.h"
#include "store/table.h"

#define ACTIVE "state IN ('queued', 'running')"

void customs_store_job_free(customs_store_job *j)
{
	if (!j)
		return;
	free(j->ref);
	free(j->tag);
	free(j);
}

typedef struct job_add {
	const char *ref, *tag;
	int64_t id;
	int existing;
} job_add;

static int add_tx(customs_store *s, void *ud)
{
	job_add *x = ud;
	char now[40];
	int err;
	store__now(now);
	customs_store_value v[] = {sv_text(x->ref), sv_text(x->tag), sv_text(now)};
	/* the unique index on the active jobs' references makes a second
	 * request for one (even at the same moment) find the first */
	if ((err = store__query_int(s,
				    "INSERT INTO jobs(ref, tag, state, attempts, created_at, analyses)"
				    " VALUES(?, ?, 'queued', 0, ?, 0)"
				    " ON CONFLICT (ref) WHERE " ACTIVE " DO NOTHING RETURNING id",
				    v, NV(v), &x->id)) != 0)
		return err < 0 ? err : 0;
	x->existing = 1;
	if ((err = store__query_int(s, "SELECT id FROM jobs WHERE ref = ? AND " ACTIVE, v, 1, &x->id)) < 0)
		return err;
	/* it finished in between: queue again */
	return err == 0 ? CUSTOMS_STORE_RETRY : 0;
}

int customs_store_job_add(customs_store *s, const char *ref, const char *tag, int64_t *id, int *existing)
{
	job_add x = {ref, tag, 0, 0};
	int err;
	if (!ref || !*ref)
		return customs__error(CUSTOMS_EINVAL, "a job needs an image reference");
	if ((err = store__tx(s, 1, add_tx, &x)) < 0)
		return err;
	*id = x.id;
	if (existing)
		*existing = x.existing;
	return 0;
}

#define JOB_COLUMNS "id,ref,tag,state,digest,error,worker,attempts,analyses,created_at,started_at,finished_at"

int customs_store_job_get(customs_store *s, int64_t id, customs_store_table **out)
{
	customs_store_value v = sv_int(id);
	int err = store__table_query(s, out, JOB_COLUMNS, "issssssiisss", "SELECT " JOB_COLUMNS " FROM jobs WHERE id = ?",
				     &v, 1);
	if (err == 0 && !(*out)->nrows) {
		customs_store_table_free(*out);
		*out = NULL;
		return customs__error(CUSTOMS_ENOTFOUND, "there is no job %lld", (long long)id);
	}
	return err;
}

typedef struct job_claim {
	const char *worker;
	int lease;
	customs_store_job *job;
} job_claim;

static int claimed_row(void *ud, const customs_store_value *c, size_t n)
{
	job_claim *x = ud;
	customs_store_job *j = calloc(1, sizeof(*j));
	if (!j || !(j->ref = customs_strdup(sv_str(&c[1]) ? sv_str(&c[1]) : "")) ||
	    (sv_str(&c[2]) && !(j->tag = customs_strdup(sv_str(&c[2]))))) {
		customs_store_job_free(j);
		return customs__error(CUSTOMS_ENOMEM, "out of memory");
	}
	j->id = sv_i64(&c[0]);
	j->attempts = (int)sv_i64(&c[3]) + 1;
	x->job = j;
	return 0;
}

static int claim_tx(customs_store *s, void *ud)
{
	job_claim *x = ud;
	char now[40], sql[512];
	int64_t t = (int64_t)time(NULL);
	int err;

	store__now(now);
	customs_store_job_free(x->job);
	x->job = NULL;
	/* a job whose worker died again and again is not tried forever */
	customs_store_value f[] = {sv_text(now), sv_int(t), sv_int(CUSTOMS_STORE_JOB_ATTEMPTS)};
	if ((err = store__exec(s,
			       "UPDATE jobs SET state = 'failed', finished_at = ?, lease_until = NULL,"
			       " error = 'its worker stopped before it was done, every time it was tried'"
			       " WHERE state = 'running' AND lease_until < ? AND attempts >= ?",
			       f, NV(f), NULL)) < 0)
		return err;
	snprintf(sql, sizeof(sql),
		 "SELECT id, ref, tag, attempts FROM jobs WHERE state = 'queued' OR (state = 'running' AND"
		 " lease_until < ?) ORDER BY id LIMIT 1%s",
		 s->t->claim_rows);
	customs_store_value q = sv_int(t);
	if ((err = store__query(s, sql, &q, 1, claimed_row, x)) < 0 || !x->job)
		return err;
	customs_store_value u[] = {sv_text(x->worker), sv_int(t + x->lease), sv_text(now), sv_int(x->job->id)};
	return store__exec(s,
			   "UPDATE jobs SET state = 'running', worker = ?, attempts = attempts + 1, lease_until = ?,"
			   " started_at = ?, error = NULL WHERE id = ?",
			   u, NV(u), NULL);
}

int customs_store_job_claim(customs_store *s, const char *worker, int lease_seconds, customs_store_job **out)
{
	job_claim x = {worker ? worker : "", lease_seconds > 0 ? lease_seconds : 60, NULL};
	int err = store__tx(s, 1, claim_tx, &x);
	*out = NULL;
	if (err < 0) {
		customs_store_job_free(x.job);
		return err;
	}
	*out = x.job;
	return 0;
}

static int not_ours(int64_t id, const char *worker)
{
	return customs__error(CUSTOMS_ENOTFOUND,
			      "job %lld is no longer %s's: its lease ran out and another worker took it", (long long)id,
			      worker ? worker : "");
}

int customs_store_job_renew(customs_store *s, int64_t id, const char *worker, int lease_seconds)
{
	int64_t changes = 0;
	customs_store_value v[] = {sv_int((int64_t)time(NULL) + (lease_seconds > 0 ? lease_seconds : 60)), sv_int(id),
				   sv_text(worker)};
	int err = store__exec(s, "UPDATE jobs SET lease_until = ? WHERE id = ? AND worker = ? AND state = 'running'", v,
			      NV(v), &changes);
	if (err < 0)
		return err;
	/* and the digest it is analysing */
	customs_store_value c[] = {v[0], v[2]};
	if ((err = store__exec(s, "UPDATE analysis_claims SET until = ? WHERE owner = ?", c, NV(c), NULL)) < 0)
		return err;
	return changes ? 0 : not_ours(id, worker);
}

int store__claim(customs_store *s, const char *digest, const char *owner, int seconds)
{
	int64_t t = (int64_t)time(NULL), got = 0;
	customs_store_value v[] = {sv_text(digest), sv_text(owner), sv_int(t + (seconds > 0 ? seconds : 60)), sv_int(t)};
	/* taken when free, run out, or already owner's */
	int err = store__query_int(s,
				   "INSERT INTO analysis_claims(digest, owner, until) VALUES(?, ?, ?)"
				   " ON CONFLICT (digest) DO UPDATE SET owner = excluded.owner, until = excluded.until"
				   " WHERE analysis_claims.until < ? OR analysis_claims.owner = excluded.owner"
				   " RETURNING 1",
				   v, NV(v), &got);
	return err < 0 ? err : err > 0 && got == 1;
}

int store__unclaim(customs_store *s, const char *digest, const char *owner)
{
	customs_store_value v[] = {sv_text(digest), sv_text(owner)};
	return store__exec(s, "DELETE FROM analysis_claims WHERE digest = ? AND owner = ?", v, NV(v), NULL);
}

int customs_store_job_finish(customs_store *s, int64_t id, const char *worker, const char *digest, int analysed,
			     const char *error)
{
	char now[40];
	int64_t changes = 0;
	store__now(now);
	customs_store_value v[] = {sv_text(error ? "failed" : "done"), sv_text(digest), sv_text(error),
				   sv_text(now), sv_int(analysed ? 1 : 0), sv_int(id), sv_text(worker)};
	int err = store__exec(s,
			      "UPDATE jobs SET state = ?, digest = ?, error = ?, finished_at = ?, lease_until = NULL,"
			      " analyses = analyses + ? WHERE id = ? AND worker = ? AND state = 'running'",
			      v, NV(v), &changes);
	if (err < 0)
		return err;
	return changes ? 0 : not_ours(id, worker);
}

int customs_store_job_counts(customs_store *s, int64_t *queued, int64_t *running)
{
	int err;
	*queued = *running = 0;
	if ((err = store__query_int(s, "SELECT count(*) FROM jobs WHERE state = 'queued'", NULL, 0, queued)) < 0 ||
	    (err = store__query_int(s, "SELECT count(*) FROM jobs WHERE state = 'running'", NULL, 0, running)) < 0)
		return err;
	return 0;
}
