-- How much of an image each scan checked for vulnerabilities: assessed is
-- full, partial or none ('' for scans stored before it was recorded).
ALTER TABLE scans
	ADD COLUMN assessed text NOT NULL DEFAULT '',
	ADD COLUMN not_checked integer NOT NULL DEFAULT 0,
	ADD COLUMN coverage text NOT NULL DEFAULT '';
