-- Bulwark server schema, version 1.
CREATE TABLE tokens (
	id         bigserial PRIMARY KEY,
	name       text NOT NULL,
	role       text NOT NULL,
	host       text NOT NULL DEFAULT '',
	hash       text NOT NULL UNIQUE,
	created_at timestamptz NOT NULL
);

CREATE TABLE hosts (
	name      text PRIMARY KEY,
	last_seen timestamptz NOT NULL,
	bench_id  bigint,
	bench_at  timestamptz
);

CREATE TABLE scans (
	id          bigserial PRIMARY KEY,
	key         text UNIQUE,
	image       text NOT NULL,
	image_id    text NOT NULL DEFAULT '',
	host        text NOT NULL DEFAULT '',
	source      text NOT NULL,
	created_at  timestamptz NOT NULL,
	os          text NOT NULL DEFAULT '',
	matched     boolean NOT NULL,
	db_built_at timestamptz,
	packages    integer NOT NULL,
	critical    integer NOT NULL,
	high        integer NOT NULL,
	medium      integer NOT NULL,
	low         integer NOT NULL,
	unknown     integer NOT NULL,
	findings    jsonb NOT NULL,
	report      bytea NOT NULL
);
CREATE INDEX scans_image ON scans (image, created_at DESC, id DESC);
CREATE INDEX scans_host ON scans (host, created_at DESC, id DESC);
CREATE INDEX scans_created ON scans (created_at DESC, id DESC);

-- The newest scan of each image, kept by PutScan.
CREATE TABLE latest (
	image      text PRIMARY KEY,
	scan_id    bigint NOT NULL,
	created_at timestamptz NOT NULL
);

CREATE TABLE bench_runs (
	id         bigserial PRIMARY KEY,
	key        text UNIQUE,
	host       text NOT NULL,
	created_at timestamptz NOT NULL,
	score      integer NOT NULL,
	pass       integer NOT NULL,
	warn       integer NOT NULL,
	total      integer NOT NULL,
	report     bytea NOT NULL
);
CREATE INDEX bench_runs_host ON bench_runs (host, created_at DESC, id DESC);

CREATE TABLE jobs (
	id           bigserial PRIMARY KEY,
	kind         text NOT NULL,
	key          text UNIQUE,
	payload      bytea,
	state        text NOT NULL,
	attempts     integer NOT NULL DEFAULT 0,
	max_attempts integer NOT NULL,
	run_after    timestamptz NOT NULL,
	claimed_by   text NOT NULL DEFAULT '',
	lease_until  timestamptz,
	created_at   timestamptz NOT NULL,
	finished_at  timestamptz,
	error        text NOT NULL DEFAULT '',
	result       text NOT NULL DEFAULT ''
);
-- Claims read only unfinished jobs, in run_after order.
CREATE INDEX jobs_ready ON jobs (run_after, id) WHERE state IN ('queued', 'running');

CREATE TABLE webhooks (
	id         bigserial PRIMARY KEY,
	url        text NOT NULL,
	secret     text NOT NULL,
	created_at timestamptz NOT NULL
);

CREATE TABLE deliveries (
	id          bigserial PRIMARY KEY,
	webhook_id  bigint NOT NULL,
	job_id      bigint NOT NULL,
	event       text NOT NULL,
	attempt     integer NOT NULL,
	status_code integer NOT NULL DEFAULT 0,
	error       text NOT NULL DEFAULT '',
	duration_ms bigint NOT NULL DEFAULT 0,
	at          timestamptz NOT NULL
);
CREATE INDEX deliveries_webhook ON deliveries (webhook_id, id DESC);
