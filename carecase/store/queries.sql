-- Named queries (see queries.py). Parameters are %(name)s.

-- get_cursor --
SELECT position FROM cursors WHERE account = %(account)s

-- put_cursor --
INSERT INTO cursors (account, position) VALUES (%(account)s, %(position)s)
ON CONFLICT (account) DO UPDATE SET position = excluded.position, updated_at = now()

-- incoming_table --
CREATE TEMP TABLE IF NOT EXISTS incoming (
    pos integer, channel text, external_id text, direction text, thread_id text,
    parent_id text, author jsonb, text text, subject text, created_at timestamptz,
    public boolean, url text, rating smallint, order_ref text, quarantine text, raw jsonb
) ON COMMIT DELETE ROWS

-- copy_incoming --
COPY incoming (pos, channel, external_id, direction, thread_id, parent_id, author, text,
               subject, created_at, public, url, rating, order_ref, quarantine, raw)
FROM STDIN

-- insert_incoming --
-- Duplicates (already stored, or twice in the batch) are skipped by the unique key.
WITH ins AS (
    INSERT INTO messages (channel, external_id, direction, thread_id, parent_id, author,
                          text, subject, created_at, public, url, rating, order_ref,
                          quarantine, raw)
    SELECT DISTINCT ON (channel, external_id)
           channel, external_id, direction, thread_id, parent_id, author, text, subject,
           created_at, public, url, rating, order_ref, quarantine, raw
    FROM incoming ORDER BY channel, external_id, pos
    ON CONFLICT (channel, external_id) DO NOTHING
    RETURNING id, channel, external_id
)
SELECT ins.id, min(i.pos) AS pos FROM ins
JOIN incoming i USING (channel, external_id)
GROUP BY ins.id

-- key_lookup --
-- Each of the batch's keys looked up on its own in the primary key (a correlated
-- subquery, so always an index probe per key): how many customers share it and, while
-- that is at most the key's limit, who they are. A join of the keys to customer_keys
-- was planned as a merge join over the whole table once it grew (about 60 ms a batch at
-- 230k keys, and growing with it); this stays with the batch's own keys.
SELECT k.key, c.n, c.customers
FROM unnest(%(keys)s::text[], %(limits)s::int[]) AS k (key, lim)
CROSS JOIN LATERAL (
    SELECT count(*) AS n,
           CASE WHEN count(*) <= k.lim THEN array_agg(ck.customer_id) END AS customers
    FROM customer_keys ck WHERE ck.key = k.key
) c
WHERE c.n > 0

-- thread_hits --
SELECT external_id, customer_id, case_id FROM messages
WHERE channel = 'email' AND external_id = ANY(%(ids)s) AND customer_id IS NOT NULL

-- load_customers --
-- identities newest first: the first e-mail address is the one private messages use
SELECT c.id, c.name, c.language, c.profile,
       (SELECT array_agg(ARRAY[i.kind, i.value] ORDER BY i.created_at DESC, i.id DESC)
          FROM identities i WHERE i.customer_id = c.id) AS identities,
       (SELECT array_agg(CASE WHEN n.a = c.id THEN n.b ELSE n.a END) FROM never_merge n
         WHERE n.a = c.id OR n.b = c.id) AS never_merge
FROM customers c WHERE c.id = ANY(%(ids)s)

-- load_cases --
SELECT id, customer_id, status, fault, language, language_by_agent, incident, agent,
       gesture, third_party, opened_at, first_response_at, last_update_at, closed_at,
       (SELECT count(*) FROM case_events e
         WHERE e.case_id = cases.id AND e.kind IN ('opened', 'reopened')) AS openings,
       (SELECT jsonb_object_agg(o.key, o.channel) FROM outbox o
         WHERE o.case_id = cases.id AND o.template = 'private_ack') AS private_acks
FROM cases
WHERE customer_id = ANY(%(customers)s)
  AND (status IN ('open', 'waiting') OR closed_at >= %(since)s)
ORDER BY opened_at DESC

-- next_customers_ids --
SELECT nextval('customers_id_seq') AS id FROM generate_series(1, %(n)s)

-- next_cases_ids --
SELECT nextval('cases_id_seq') AS id FROM generate_series(1, %(n)s)

-- upsert_customer --
INSERT INTO customers (id, name, language, profile)
VALUES (%(id)s, %(name)s, %(language)s, %(profile)s)
ON CONFLICT (id) DO UPDATE SET name = coalesce(customers.name, excluded.name),
    language = coalesce(excluded.language, customers.language), profile = excluded.profile

-- insert_identity --
INSERT INTO identities (customer_id, kind, value) VALUES (%(customer)s, %(kind)s, %(value)s)
ON CONFLICT (kind, value) DO NOTHING

-- latest_versions --
-- The latest earlier message of each thread an edited version belongs to (its text,
-- rating and case): an "edit" that changed neither is no news (engine._unchanged).
SELECT DISTINCT ON (m.channel, m.thread_id) m.channel, m.thread_id, m.text, m.rating,
       m.case_id
FROM messages m
JOIN unnest(%(channels)s::text[], %(threads)s::text[]) AS t (channel, thread_id)
  ON m.channel = t.channel AND m.thread_id = t.thread_id
WHERE m.direction = 'in' AND m.id <> ALL(%(ids)s)
ORDER BY m.channel, m.thread_id, m.created_at DESC, m.id DESC

-- sent_mails --
-- Our e-mails on a case, by their Message-ID (without <>): what a bounce names.
SELECT key, case_id, external_id FROM outbox
WHERE channel = 'email' AND external_id = ANY(%(ids)s) AND case_id IS NOT NULL

-- identity_owner --
-- Whose this identity is, and that customer's latest case.
SELECT i.customer_id,
       (SELECT max(c.id) FROM cases c WHERE c.customer_id = i.customer_id) AS case_id
FROM identities i WHERE i.kind = %(kind)s AND i.value = %(value)s

-- insert_incident --
INSERT INTO incidents (key, title) VALUES (%(key)s, %(title)s) ON CONFLICT DO NOTHING

-- upsert_case --
INSERT INTO cases (id, customer_id, status, language, incident, opened_at, closed_at)
VALUES (%(id)s, %(customer)s, %(status)s, %(language)s, %(incident)s, %(opened_at)s,
        %(closed_at)s)
ON CONFLICT (id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at,
    incident = coalesce(cases.incident, excluded.incident)

-- update_message --
UPDATE messages SET customer_id = %(customer)s, case_id = %(case)s, language = %(language)s,
    kind = %(kind)s, sentiment = %(sentiment)s, moderation = %(moderation)s,
    machine = %(machine)s
WHERE id = %(id)s

-- insert_event --
INSERT INTO case_events (case_id, kind, actor, detail, at)
VALUES (%(case)s, %(kind)s, %(actor)s, %(detail)s, %(at)s)

-- insert_outbox --
INSERT INTO outbox (key, case_id, channel, action, template, language, target, recipient,
                    subject, body, html, headers, not_before, after_key)
VALUES (%(key)s, %(case)s, %(channel)s, %(action)s, %(template)s, %(language)s, %(target)s,
        %(recipient)s, %(subject)s, %(body)s, %(html)s, %(headers)s, %(not_before)s,
        %(after)s)
ON CONFLICT (key) DO NOTHING

-- insert_evidence --
INSERT INTO evidence (case_id, message_id, reasons, raw, snapshot, sha256, archived_at)
VALUES (%(case)s, %(message)s, %(reasons)s, %(raw)s, %(snapshot)s, %(sha256)s,
        %(archived_at)s)
ON CONFLICT (message_id) DO NOTHING

-- The engine's batch writes: each takes all its rows as one jsonb array
-- (%(rows)s), so a batch is one statement per table, not one per row.

-- bulk_upsert_customers --
INSERT INTO customers (id, name, language, profile)
SELECT id, name, language, profile
FROM jsonb_to_recordset(%(rows)s) AS r(id bigint, name text, language text, profile jsonb)
ON CONFLICT (id) DO UPDATE SET name = coalesce(customers.name, excluded.name),
    language = coalesce(excluded.language, customers.language), profile = excluded.profile

-- bulk_delete_keys --
DELETE FROM customer_keys c
USING jsonb_to_recordset(%(rows)s) AS r(key text, customer bigint)
WHERE c.key = r.key AND c.customer_id = r.customer

-- bulk_delete_all_keys --
DELETE FROM customer_keys c
USING jsonb_to_recordset(%(rows)s) AS r(customer bigint)
WHERE c.customer_id = r.customer

-- bulk_insert_keys --
INSERT INTO customer_keys (key, customer_id)
SELECT key, customer FROM jsonb_to_recordset(%(rows)s) AS r(key text, customer bigint)
ON CONFLICT DO NOTHING

-- bulk_insert_identities --
INSERT INTO identities (customer_id, kind, value)
SELECT customer, kind, value
FROM jsonb_to_recordset(%(rows)s) AS r(customer bigint, kind text, value text)
ON CONFLICT (kind, value) DO NOTHING

-- bulk_insert_incidents --
INSERT INTO incidents (key, title)
SELECT key, title FROM jsonb_to_recordset(%(rows)s) AS r(key text, title text)
ON CONFLICT DO NOTHING

-- bulk_upsert_cases --
INSERT INTO cases (id, customer_id, status, language, incident, opened_at, closed_at)
SELECT id, customer, status, language, incident, opened_at, closed_at
FROM jsonb_to_recordset(%(rows)s) AS r(id bigint, customer bigint, status text,
                                       language text, incident text,
                                       opened_at timestamptz, closed_at timestamptz)
ON CONFLICT (id) DO UPDATE SET status = excluded.status, closed_at = excluded.closed_at,
    incident = coalesce(cases.incident, excluded.incident),
    -- the language its customer's latest readable message was in (P15): the batch
    -- changes it only where no agent chose it (batch.case_language), under the engine
    -- lock that cases.set_case takes to choose it
    language = excluded.language

-- bulk_update_messages --
UPDATE messages m SET customer_id = r.customer, case_id = r."case", language = r.language,
    kind = r.kind, sentiment = r.sentiment, moderation = r.moderation, machine = r.machine
FROM jsonb_to_recordset(%(rows)s) AS r(id bigint, customer bigint, "case" bigint,
                                       language text, kind text, sentiment text,
                                       moderation text[], machine text)
WHERE m.id = r.id

-- bulk_insert_events --
INSERT INTO case_events (case_id, kind, actor, detail, at)
SELECT "case", kind, actor, detail, at
FROM ROWS FROM (jsonb_to_recordset(%(rows)s)
                AS ("case" bigint, kind text, actor text, detail jsonb, at timestamptz))
     WITH ORDINALITY AS r("case", kind, actor, detail, at, n)
ORDER BY n

-- bulk_insert_outbox --
INSERT INTO outbox (key, case_id, channel, action, template, language, target, recipient,
                    subject, body, html, headers, not_before, after_key)
SELECT key, "case", channel, action, template, language, target, recipient, subject,
       body, html, headers, not_before, after
FROM ROWS FROM (jsonb_to_recordset(%(rows)s)
                AS (key text, "case" bigint, channel text, action text, template text,
                    language text, target text, recipient text, subject text, body text,
                    html text, headers jsonb, not_before timestamptz, after text))
     WITH ORDINALITY AS r(key, "case", channel, action, template, language, target,
                          recipient, subject, body, html, headers, not_before, after, n)
ORDER BY n
ON CONFLICT (key) DO NOTHING

-- bulk_insert_evidence --
INSERT INTO evidence (case_id, message_id, reasons, raw, snapshot, sha256, archived_at)
SELECT "case", message, reasons, raw, snapshot, sha256, archived_at
FROM jsonb_to_recordset(%(rows)s)
     AS r("case" bigint, message bigint, reasons text[], raw jsonb, snapshot text,
          sha256 text, archived_at timestamptz)
ON CONFLICT (message_id) DO NOTHING

-- claim_due --
-- One statement claims work: rows another worker holds are skipped, and a row left
-- 'sending' by a crashed worker is reclaimed after the lease (its send is then checked
-- on the channel before any new attempt).
WITH due AS (
    SELECT id FROM outbox
    WHERE channel = ANY(%(channels)s)
      AND ((status = 'queued' AND not_before <= %(now)s)
        OR (status = 'sending' AND claimed_at < %(lease)s))
      AND NOT id = ANY(%(seen)s)  -- claimed earlier in this run: once a run
      -- a row to send after another waits until that one is sent
      AND (after_key IS NULL OR EXISTS (SELECT 1 FROM outbox earlier
                                        WHERE earlier.key = outbox.after_key
                                          AND earlier.status = 'sent'))
    ORDER BY not_before, id
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
)
UPDATE outbox o SET status = 'sending', claimed_at = %(now)s, claimed_by = %(worker)s,
    attempts = o.attempts + 1
FROM due WHERE o.id = due.id
RETURNING o.*, (o.attempts > 1) AS retry,
    (SELECT c.status FROM cases c WHERE c.id = o.case_id) AS case_status

-- recipient_sent --
-- E-mails sent to one address since a time (the loop backstop: dispatch._loop_guard).
SELECT count(*) AS n, min(sent_at) AS first FROM outbox
WHERE channel = 'email' AND status = 'sent' AND recipient = %(recipient)s
  AND sent_at > %(since)s

-- channel_sent --
-- What one channel sent since a time (X's monthly post budget: dispatch._budget_guard);
-- hides and unhides cost no post.
SELECT count(*) AS n FROM outbox
WHERE channel = %(channel)s AND status = 'sent' AND sent_at >= %(since)s
  AND action IN ('reply', 'post', 'send', 'private_reply')

-- due_elsewhere --
SELECT channel, count(*) AS n FROM outbox
WHERE status = 'queued' AND not_before <= %(now)s AND NOT channel = ANY(%(channels)s)
GROUP BY channel ORDER BY channel

-- mark_sent --
UPDATE outbox SET status = 'sent', external_id = %(external_id)s, sent_at = %(now)s,
    last_error = NULL
WHERE id = %(id)s AND status = 'sending'

-- mark_cancelled --
UPDATE outbox SET status = 'cancelled', last_error = %(error)s
WHERE id = %(id)s AND status = 'sending'

-- mark_retry --
UPDATE outbox SET status = 'queued', not_before = %(not_before)s, last_error = %(error)s
WHERE id = %(id)s AND status = 'sending'

-- mark_deferred --
-- Not attempted (its channel asked us to wait): the claim's attempt does not count.
UPDATE outbox SET status = 'queued', not_before = %(not_before)s, last_error = %(error)s,
    attempts = attempts - 1
WHERE id = %(id)s AND status = 'sending'

-- mark_failed --
UPDATE outbox SET status = 'failed', last_error = %(error)s
WHERE id = %(id)s AND status = 'sending'

-- first_response --
UPDATE cases SET first_response_at = coalesce(first_response_at, %(now)s)
WHERE id = %(case)s

-- insert_sent_message --
INSERT INTO messages (channel, external_id, direction, case_id, thread_id, parent_id, text,
                      subject, created_at, public, raw)
VALUES (%(channel)s, %(external_id)s, 'out', %(case)s, %(thread_id)s, %(parent_id)s,
        %(text)s, %(subject)s, %(now)s, %(public)s, %(raw)s)
ON CONFLICT (channel, external_id) DO NOTHING

-- list_cases --
SELECT c.id, c.status, c.fault, c.incident, c.agent, c.language, c.opened_at,
       c.first_response_at, c.closed_at, c.customer_id, cu.name AS customer,
       (SELECT count(*) FROM messages m WHERE m.case_id = c.id) AS messages,
       (SELECT array_agg(DISTINCT m.channel ORDER BY m.channel) FROM messages m
         WHERE m.case_id = c.id AND m.direction = 'in') AS channels
FROM cases c JOIN customers cu ON cu.id = c.customer_id
WHERE %(status)s::text IS NULL OR c.status = %(status)s
ORDER BY c.id
LIMIT %(limit)s

-- count_cases --
SELECT count(*) AS n FROM cases WHERE %(status)s::text IS NULL OR status = %(status)s

-- list_messages --
-- A read-out for agents, LIMIT-ed: a scan of the messages at worst (no index is kept for
-- it, which every message stored would pay for).
SELECT id, channel, external_id, created_at, public, kind, language, machine, case_id,
       author->>'name' AS author, text, url
FROM messages
WHERE direction = 'in' AND quarantine IS NULL
  AND (NOT %(without_case)s OR case_id IS NULL)
  AND (%(channel)s::text IS NULL OR channel = %(channel)s)
  AND (%(kind)s::text IS NULL OR kind = %(kind)s)
ORDER BY created_at DESC, id DESC
LIMIT %(limit)s

-- get_case --
SELECT * FROM cases WHERE id = %(id)s

-- get_customer --
SELECT id, name, language FROM customers WHERE id = %(id)s

-- customer_identities --
SELECT kind, value FROM identities WHERE customer_id = %(id)s ORDER BY kind, value

-- case_messages --
SELECT id, channel, external_id, direction, created_at, public, text, kind, language,
       moderation, machine, author, thread_id, parent_id, url, subject, raw
FROM messages WHERE case_id = %(id)s ORDER BY created_at, id

-- linked_into --
-- The case a case was linked into (``cases link``), if it was.
SELECT (detail->>'case')::bigint AS "case" FROM case_events
WHERE case_id = %(id)s AND kind = 'linked_into'
ORDER BY at DESC, id DESC LIMIT 1

-- agent_kinds --
-- What an agent said a case's messages are (``cases open``), newest last: a re-run keeps it.
SELECT detail->>'message' AS message, detail->>'kind' AS kind
FROM case_events
WHERE case_id = %(id)s AND kind IN ('opened', 'joined', 'reopened') AND actor <> 'carecase'
  AND detail ? 'kind' AND detail ? 'message'
ORDER BY at, id

-- case_events --
SELECT kind, actor, at, detail FROM case_events WHERE case_id = %(id)s ORDER BY at, id

-- case_outbox --
SELECT key, channel, action, status, attempts, last_error, template, external_id
FROM outbox WHERE case_id = %(id)s ORDER BY id

-- set_case --
-- A NULL parameter keeps the field; an empty string clears it. A language given is the
-- agent's choice: no message changes it after (batch.case_language).
UPDATE cases SET fault = coalesce(%(fault)s, fault),
    language = coalesce(%(language)s, language),
    language_by_agent = language_by_agent OR %(language)s::text IS NOT NULL,
    agent = CASE WHEN %(agent)s::text IS NULL THEN agent ELSE nullif(%(agent)s, '') END,
    incident = CASE WHEN %(incident)s::text IS NULL THEN incident
                    ELSE nullif(%(incident)s, '') END,
    gesture = CASE WHEN %(gesture)s::text IS NULL THEN gesture
                   ELSE nullif(%(gesture)s, '') END,
    third_party = CASE WHEN %(third_party)s::text IS NULL THEN third_party
                       ELSE nullif(%(third_party)s, '') END
WHERE id = %(id)s

-- move_messages --
UPDATE messages SET case_id = %(to)s, customer_id = %(customer)s WHERE case_id = %(from)s

-- move_outbox --
UPDATE outbox SET case_id = %(to)s WHERE case_id = %(from)s

-- close_linked --
UPDATE cases SET status = 'closed', closed_at = now() WHERE id = %(id)s

-- move_identities --
UPDATE identities SET customer_id = %(to)s WHERE customer_id = %(from)s

-- find_case_message --
SELECT id, channel, external_id, author, language, created_at FROM messages
WHERE case_id = %(case)s
  AND (channel || ':' || external_id = %(ref)s OR external_id = %(ref)s
       OR id::text = %(ref)s)

-- find_message --
-- One stored message, by (channel, external_id) or by id, as message_from_row reads it.
SELECT id, channel, external_id, direction, case_id, customer_id, quarantine, kind, machine,
       author, text, subject, created_at, thread_id, parent_id, public, url, rating,
       order_ref, raw
FROM messages
WHERE (channel = %(channel)s AND external_id = %(external_id)s) OR id = %(id)s

-- count_openings --
SELECT count(*) AS n FROM case_events WHERE case_id = %(case)s
  AND kind IN ('opened', 'reopened')

-- written_since --
-- Whether a person wrote to the case after the given time.
SELECT EXISTS (SELECT 1 FROM messages WHERE case_id = %(case)s AND direction = 'in'
                 AND machine IS NULL AND created_at > %(at)s) AS written

-- set_language_read --
-- The language a customer's message moved its case to, unless an agent chose it.
UPDATE cases SET language = %(language)s WHERE id = %(id)s AND NOT language_by_agent

-- reopen_case --
UPDATE cases SET status = 'open', closed_at = NULL WHERE id = %(id)s

-- new_customer --
INSERT INTO customers (name) VALUES (%(name)s) RETURNING id

-- new_case --
INSERT INTO cases (customer_id, language, opened_at)
VALUES (%(customer)s, %(language)s, %(opened_at)s) RETURNING id

-- move_author_messages --
-- The split message and every other message of the same author on that channel.
UPDATE messages SET case_id = %(to_case)s, customer_id = %(customer)s
WHERE case_id = %(case)s
  AND (id = %(id)s OR (channel = %(channel)s AND author = %(author)s))

-- move_author_identities --
UPDATE identities i SET customer_id = %(to)s
WHERE i.customer_id = %(from)s
  AND EXISTS (SELECT 1 FROM messages m
              WHERE m.case_id = %(case)s
                AND ((i.kind = 'email' AND lower(m.author->>'email') = i.value)
                  OR (i.kind = m.channel AND m.author->>'id' = i.value)))

-- never_merge --
INSERT INTO never_merge (a, b) VALUES (%(a)s, %(b)s) ON CONFLICT DO NOTHING

-- board --
SELECT c.id, c.customer_id, cu.name, c.status, c.incident, c.opened_at,
       c.first_response_at, c.last_update_at,
       (SELECT array_agg(DISTINCT m.channel ORDER BY m.channel) FROM messages m
         WHERE m.case_id = c.id AND m.direction = 'in') AS channels,
       -- what the case holds that we could not hide (policy.py: "flagged"), and a
       -- bounce (engine.py) until an agent puts an address on the case after it
       (SELECT array_agg(DISTINCT r ORDER BY r) FROM case_events e,
               jsonb_array_elements_text(e.detail->'reasons') r
         WHERE e.case_id = c.id AND e.kind = 'flagged'
           AND NOT (r = 'bounced' AND e.at < (
               SELECT coalesce(max(a.at), '-infinity') FROM case_events a
                WHERE a.case_id = c.id AND a.kind = 'contact_added'))) AS flagged
FROM cases c JOIN customers cu ON cu.id = c.customer_id
WHERE c.status IN ('open', 'waiting')
ORDER BY c.opened_at

-- all_evidence --
SELECT id, message_id, raw, snapshot, sha256, archived_at FROM evidence ORDER BY id

-- update_candidates --
-- Open cases with the customer's private channels and the customer-facing notes since
-- the last update.
SELECT c.id, c.customer_id, c.status, c.fault, c.language, c.incident, c.agent, c.gesture,
       c.third_party, c.opened_at, c.first_response_at, c.last_update_at, c.closed_at,
       cu.name, i.prevention,
       (SELECT value FROM identities WHERE customer_id = c.customer_id
          AND kind = 'email' ORDER BY created_at DESC, id DESC LIMIT 1) AS email,
       (SELECT min(value) FROM identities WHERE customer_id = c.customer_id
          AND kind = 'x' AND value ~ '^[0-9]+$') AS x_id,
       -- the news: notes for the customer that no update the customer got carried yet
       -- (an update written but never sent, failed or cancelled, carried nothing)
       (SELECT jsonb_agg(jsonb_build_object('text', e.detail->>'text') ORDER BY e.at)
          FROM case_events e
         WHERE e.case_id = c.id AND e.kind = 'noted'
           AND (e.detail->>'for_customer')::boolean
           AND e.at > coalesce((SELECT max(o.created_at) FROM outbox o
                                 WHERE o.case_id = c.id AND o.template = 'status_update'
                                   AND o.status = 'sent'), '-infinity')) AS news,
       -- whether its customer only asked (no complaint, nothing said in anger): the
       -- update then says no "I understand that waiting is frustrating"
       NOT EXISTS (SELECT 1 FROM messages m WHERE m.case_id = c.id AND m.direction = 'in'
                     AND m.machine IS NULL AND (m.kind NOT IN ('question', 'other')
                                                OR m.sentiment = 'negative')) AS asking,
       -- when we last opened or reopened it (opened_at is when the customer wrote)
       (SELECT max(e.at) FROM case_events e
         WHERE e.case_id = c.id AND e.kind IN ('opened', 'reopened')) AS opened_by_us_at
FROM cases c
JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN incidents i ON i.key = c.incident
WHERE c.status IN ('open', 'waiting')
ORDER BY c.id

-- cancel_on_close --
-- What a closed case's customer should no longer get: its daily updates and a private
-- acknowledgment ("we are looking into it") not sent yet; the follow-up says how it ended.
UPDATE outbox SET status = 'cancelled', last_error = 'the case was closed'
WHERE case_id = %(case)s AND template IN ('status_update', 'private_ack')
  AND status IN ('queued', 'failed')
RETURNING key, template

-- cancel_status_updates --
-- A case's daily updates not sent yet but the one keyed ``keep``: superseded by it.
UPDATE outbox SET status = 'cancelled', last_error = %(why)s
WHERE case_id = %(case)s AND template = 'status_update' AND status IN ('queued', 'failed')
  AND key <> %(keep)s
RETURNING key

-- insert_outbox_returning --
INSERT INTO outbox (key, case_id, channel, action, template, language, target, recipient,
                    subject, body, html, headers, not_before, after_key)
VALUES (%(key)s, %(case)s, %(channel)s, %(action)s, %(template)s, %(language)s, %(target)s,
        %(recipient)s, %(subject)s, %(body)s, %(html)s, %(headers)s, %(not_before)s,
        %(after)s)
ON CONFLICT (key) DO NOTHING
RETURNING id

-- mark_updated --
UPDATE cases SET last_update_at = %(now)s WHERE id = %(id)s

-- insert_event_once --
-- The same event (kind + detail) is recorded once per case.
INSERT INTO case_events (case_id, kind, actor, detail, at)
SELECT %(case)s, %(kind)s, %(actor)s, %(detail)s, %(at)s
WHERE NOT EXISTS (SELECT 1 FROM case_events WHERE case_id = %(case)s AND kind = %(kind)s
                  AND detail = %(detail)s)

-- case_public_threads --
-- The first inbound public message of each thread of a case: where P9's note goes; on
-- a second close, only the threads written on since the case was last closed (the
-- others were told how it ended then).
SELECT DISTINCT ON (channel, coalesce(thread_id, external_id))
       channel, external_id, coalesce(thread_id, external_id) AS thread,
       author->>'handle' AS handle
FROM messages m
WHERE case_id = %(case)s AND direction = 'in' AND public AND machine IS NULL
  AND cardinality(moderation) = 0
  AND EXISTS (SELECT 1 FROM messages later
              WHERE later.case_id = m.case_id AND later.channel = m.channel
                AND later.direction = 'in' AND later.public
                AND coalesce(later.thread_id, later.external_id)
                    = coalesce(m.thread_id, m.external_id)
                AND later.received_at > coalesce(
                    (SELECT max(e.at) FROM case_events e
                      WHERE e.case_id = m.case_id AND e.kind = 'closed'), '-infinity'))
ORDER BY channel, coalesce(thread_id, external_id), created_at

-- close_case --
UPDATE cases SET status = 'closed', closed_at = %(now)s WHERE id = %(id)s

-- count_events --
SELECT count(*) AS n FROM case_events WHERE case_id = %(case)s AND kind = %(kind)s

-- update_candidates_one --
SELECT c.id, c.customer_id, c.status, c.fault, c.language, c.incident, c.agent, c.gesture,
       c.third_party, c.opened_at, c.first_response_at, c.last_update_at, c.closed_at,
       cu.name,
       (SELECT value FROM identities WHERE customer_id = c.customer_id
          AND kind = 'email' ORDER BY created_at DESC, id DESC LIMIT 1) AS email,
       (SELECT min(value) FROM identities WHERE customer_id = c.customer_id
          AND kind = 'x' AND value ~ '^[0-9]+$') AS x_id
FROM cases c JOIN customers cu ON cu.id = c.customer_id
WHERE c.id = %(id)s

-- sla_breaches --
-- Open cases with no response past the target, not flagged before.
UPDATE cases SET sla_breached_at = %(now)s
WHERE status IN ('open', 'waiting') AND first_response_at IS NULL
  AND sla_breached_at IS NULL AND opened_at < %(deadline)s
RETURNING id, opened_at

-- requeue_failed --
-- attempts stays >= 1, so the next claim first looks for an earlier send on the channel;
-- what was cancelled because one of these failed (``after_key``) waits for it again.
WITH requeued AS (
    UPDATE outbox SET status = 'queued', not_before = %(now)s,
        attempts = greatest(attempts, 1), last_error = NULL
    WHERE case_id = %(case)s AND status = 'failed'
    RETURNING key
), waiting AS (
    UPDATE outbox SET status = 'queued', not_before = %(now)s, last_error = NULL
    WHERE status = 'cancelled' AND after_key IN (SELECT key FROM requeued)
    RETURNING key
)
SELECT key FROM requeued UNION ALL SELECT key FROM waiting

-- cancel_after --
-- What was to be sent after a row that failed: an author told their comment is hidden
-- when it could not be hidden.
UPDATE outbox SET status = 'cancelled', last_error = %(error)s
WHERE after_key = %(key)s AND status IN ('queued', 'failed')
RETURNING key

-- refresh_outbox --
-- Current rules and templates for what has not been sent; what was sent stays as it was.
INSERT INTO outbox (key, case_id, channel, action, template, language, target, recipient,
                    subject, body, html, headers, not_before, after_key)
VALUES (%(key)s, %(case)s, %(channel)s, %(action)s, %(template)s, %(language)s, %(target)s,
        %(recipient)s, %(subject)s, %(body)s, %(html)s, %(headers)s, %(not_before)s,
        %(after)s)
ON CONFLICT (key) DO UPDATE SET body = excluded.body, html = excluded.html,
    subject = excluded.subject, language = excluded.language
WHERE outbox.status IN ('queued', 'failed')
RETURNING (xmax = 0) AS inserted

-- customer_messages --
SELECT channel, external_id, author, text, created_at, thread_id, parent_id, public, url,
       rating, order_ref, subject, raw
FROM messages WHERE customer_id = %(id)s AND direction = 'in' ORDER BY created_at, id

-- set_profile --
UPDATE customers SET profile = %(profile)s, name = coalesce(%(name)s, name)
WHERE id = %(id)s

-- list_incidents --
SELECT i.key, i.title, i.prevention, i.created_at,
       count(c.id) FILTER (WHERE c.status IN ('open', 'waiting')) AS open_cases,
       count(c.id) AS cases
FROM incidents i LEFT JOIN cases c ON c.incident = i.key
GROUP BY i.key ORDER BY i.created_at DESC

-- set_prevention --
UPDATE incidents SET prevention = %(prevention)s WHERE key = %(key)s

-- list_announcements --
SELECT key, channel, body, not_before AS post_at, status, external_id, last_error
FROM outbox WHERE action = 'post' ORDER BY not_before

-- incident_cases --
-- How many cases an incident holds, and one of them.
SELECT count(*) AS n, min(id) AS one FROM cases WHERE incident = %(key)s

-- outbox_channel --
SELECT channel FROM outbox WHERE key = %(key)s

-- key_index_version --
SELECT version FROM key_index

-- set_key_index_version --
UPDATE key_index SET version = %(version)s

-- stale_key_customers --
-- Customers whose keys an older profile_keys wrote, a batch at a time (the engine
-- marks the version in each profile it writes).
SELECT id FROM customers
WHERE (profile ->> 'keys') IS DISTINCT FROM %(version)s::text AND id > %(after)s
ORDER BY id LIMIT %(n)s

-- set_keys_version --
-- (the lookup keys an older profile_keys stored with the profile go: the engine derives
-- them again when it loads the customer)
UPDATE customers
SET profile = (coalesce(profile, '{}'::jsonb) - 'lookups')
              || jsonb_build_object('keys', %(version)s::int)
WHERE id = ANY(%(ids)s)
