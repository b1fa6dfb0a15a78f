-- The initial schema: see design.md "Data". Each guarantee is a constraint here.

CREATE TABLE customers (
    id          bigserial PRIMARY KEY,
    name        text,
    language    text,
    -- what identity matching needs to score this customer (names, handles, recent
    -- texts, last seen); derived from its messages, kept here to load in one query
    profile     jsonb NOT NULL DEFAULT '{}',
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- One customer, many identities; an identity belongs to one customer (P14).
CREATE TABLE identities (
    id          bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN
                  ('email', 'phone', 'facebook', 'x', 'trustpilot', 'google', 'order_ref')),
    value       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (kind, value)
);
CREATE INDEX identities_customer ON identities (customer_id);

-- Blocking keys for identity matching, computed in Python (no pg_trgm in pgserver).
CREATE TABLE customer_keys (
    key         text NOT NULL,
    customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (key, customer_id)
);
CREATE INDEX customer_keys_customer ON customer_keys (customer_id);

-- Pairs an agent split apart: never merged automatically again.
CREATE TABLE never_merge (
    a bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    b bigint NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    PRIMARY KEY (a, b),
    CHECK (a < b)
);

CREATE TABLE incidents (
    key         text PRIMARY KEY,
    title       text NOT NULL,
    prevention  text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cases (
    id                bigserial PRIMARY KEY,
    customer_id       bigint NOT NULL REFERENCES customers (id),
    status            text NOT NULL DEFAULT 'open'
                        CHECK (status IN ('open', 'waiting', 'resolved', 'closed')),
    fault             text NOT NULL DEFAULT 'unknown'
                        CHECK (fault IN ('ours', 'third_party', 'none', 'unknown')),
    third_party       text,
    language          text,
    incident          text REFERENCES incidents (key),
    agent             text,
    gesture           text,
    opened_at         timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    last_update_at    timestamptz,
    closed_at         timestamptz,
    sla_breached_at   timestamptz
);
-- One open case per customer (P14).
CREATE UNIQUE INDEX cases_one_open ON cases (customer_id) WHERE status IN ('open', 'waiting');
CREATE INDEX cases_status ON cases (status);

-- Every inbound and outbound item, once.
CREATE TABLE messages (
    id          bigserial PRIMARY KEY,
    channel     text NOT NULL,
    external_id text NOT NULL,
    direction   text NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out')),
    case_id     bigint REFERENCES cases (id),
    customer_id bigint REFERENCES customers (id),
    thread_id   text,
    parent_id   text,
    author      jsonb NOT NULL DEFAULT '{}',
    text        text NOT NULL DEFAULT '',
    subject     text,
    created_at  timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    public      boolean NOT NULL DEFAULT true,
    url         text,
    rating      smallint,
    order_ref   text,
    language    text,
    kind        text,
    sentiment   text,
    moderation  text[] NOT NULL DEFAULT '{}',
    machine     text,
    quarantine  text,
    raw         jsonb NOT NULL DEFAULT '{}',
    UNIQUE (channel, external_id)
);
CREATE INDEX messages_case ON messages (case_id);
CREATE INDEX messages_thread ON messages (channel, thread_id);
CREATE INDEX messages_customer ON messages (customer_id, created_at);

-- The audit log of a case: merged, split, acknowledged, moderated, noted, updated, closed...
CREATE TABLE case_events (
    id      bigserial PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES cases (id),
    kind    text NOT NULL,
    actor   text NOT NULL DEFAULT 'carecase',
    detail  jsonb NOT NULL DEFAULT '{}',
    at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX case_events_case ON case_events (case_id, at);

-- Every message to send; the key makes a decision idempotent, the status a send once.
CREATE TABLE outbox (
    id          bigserial PRIMARY KEY,
    key         text NOT NULL UNIQUE,
    case_id     bigint REFERENCES cases (id),
    channel     text NOT NULL,
    action      text NOT NULL,
    template    text,
    language    text,
    target      text,
    recipient   text,
    subject     text,
    body        text NOT NULL DEFAULT '',
    html        text,
    headers     jsonb NOT NULL DEFAULT '{}',
    status      text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    not_before  timestamptz NOT NULL DEFAULT now(),
    attempts    integer NOT NULL DEFAULT 0,
    last_error  text,
    claimed_at  timestamptz,
    claimed_by  text,
    external_id text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status IN ('queued', 'sending');
CREATE INDEX outbox_case ON outbox (case_id);

-- Each channel account's poll position, moved in the transaction of its messages.
CREATE TABLE cursors (
    account    text PRIMARY KEY,
    position   jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Moderation archive (P2): what was hidden, as it was, with its hash.
CREATE TABLE evidence (
    id          bigserial PRIMARY KEY,
    case_id     bigint REFERENCES cases (id),
    message_id  bigint NOT NULL REFERENCES messages (id),
    reasons     text[] NOT NULL,
    raw         jsonb NOT NULL,
    snapshot    text NOT NULL,
    sha256      text NOT NULL,
    archived_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (message_id)
);
