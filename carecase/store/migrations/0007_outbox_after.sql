-- A row that may be sent only after another (its key): the author of a hidden comment is
-- told why once the comment is hidden, never when hiding it failed (P2). Dispatch claims
-- such a row once the other is sent, and cancels it when the other fails.
ALTER TABLE outbox ADD COLUMN after_key text;
