-- What a channel sent since a time, counted by dispatch before each X post: the monthly
-- post budget (channels.x.monthly_post_budget) holds across runs and workers.
CREATE INDEX outbox_sent_by_channel ON outbox (channel, sent_at) WHERE status = 'sent';
