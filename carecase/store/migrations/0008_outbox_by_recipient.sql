-- The e-mails sent to one address in the last hour, counted by dispatch before each
-- e-mail: the backstop against a mail loop (channels.email.rate_limit_per_hour) holds
-- across dispatch runs and workers, which each open their own connection to the server.
CREATE INDEX outbox_email_recipient ON outbox (recipient, sent_at)
    WHERE channel = 'email' AND status = 'sent';
