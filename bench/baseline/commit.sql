-- The machine's durable commit ceiling: one single-row insert, committed on its own.
INSERT INTO baseline_commits (at) VALUES (now());
