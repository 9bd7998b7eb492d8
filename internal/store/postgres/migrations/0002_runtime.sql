-- bulwark defend: runtime alerts and behaviour models reported by agents.
CREATE TABLE runtime_alerts (
	id             bigserial PRIMARY KEY,
	host           text NOT NULL,
	key            text NOT NULL,
	at             timestamptz NOT NULL,
	received       timestamptz NOT NULL,
	rule           text NOT NULL,
	priority       text NOT NULL,
	response       text NOT NULL,
	container_id   text NOT NULL DEFAULT '',
	container_name text NOT NULL DEFAULT '',
	image          text NOT NULL DEFAULT '',
	image_id       text NOT NULL DEFAULT '',
	process        text NOT NULL DEFAULT '',
	output         text NOT NULL,
	alert          json NOT NULL -- as sent (json keeps the text; jsonb would reorder it)
);
-- Idempotent submission: an empty key is never a duplicate.
CREATE UNIQUE INDEX runtime_alerts_key ON runtime_alerts (host, key) WHERE key <> '';
CREATE INDEX runtime_alerts_host ON runtime_alerts (host, id DESC);
CREATE INDEX runtime_alerts_received ON runtime_alerts (received);

CREATE TABLE runtime_models (
	host       text NOT NULL,
	image      text NOT NULL,
	names      jsonb NOT NULL,
	state      text NOT NULL,
	deviations bigint NOT NULL DEFAULT 0,
	updated    timestamptz NOT NULL,
	model      json NOT NULL,
	PRIMARY KEY (host, image)
);

ALTER TABLE webhooks ADD COLUMN runtime_priority text NOT NULL DEFAULT '';
