-- Webhooks. Integrations hear of receipts and document transitions from the journal itself, read in
-- commit order: each journal row carries the id of the transaction that wrote it, and a reader takes
-- only rows of transactions older than every transaction still running, so a row that commits late
-- is never skipped. Rows written before this script have no transaction id and are not announced.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = 'register_journal'::regclass AND attname = 'tx' AND NOT attisdropped) THEN
        ALTER TABLE register_journal ADD COLUMN tx xid8;
        ALTER TABLE register_journal ALTER COLUMN tx SET DEFAULT pg_current_xact_id();
    END IF;
END
$$;

CREATE INDEX IF NOT EXISTS register_journal_feed
    ON register_journal (tx, position) WHERE kind IN ('receipt', 'document') AND tx IS NOT NULL;

-- A subscription: where to send which events, of which stores (null: all), signed with its secret.
CREATE TABLE IF NOT EXISTS webhook_subscriptions (
    id           text        PRIMARY KEY,
    url          text        NOT NULL,
    events       text[]      NOT NULL,
    store_ids    text[],
    secret       text        NOT NULL,
    owner_key_id text        NOT NULL,
    created_at   timestamptz NOT NULL,
    deleted_at   timestamptz
);

-- Each subscription's outbox: one row per event it is to receive, delivered in id order.
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id              bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subscription_id text        NOT NULL REFERENCES webhook_subscriptions (id),
    event_id        text        NOT NULL,
    type            text        NOT NULL,
    store_id        text,
    occurred_at     timestamptz NOT NULL,
    body            text        NOT NULL,
    status          text        NOT NULL,
    attempts        jsonb       NOT NULL DEFAULT '[]',
    queued_at       timestamptz NOT NULL,
    next_attempt_at timestamptz,
    delivered_at    timestamptz,
    -- An event reaches a subscription's outbox once, however often the feed reads it.
    CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
);

CREATE INDEX IF NOT EXISTS webhook_deliveries_pending
    ON webhook_deliveries (subscription_id, id) WHERE status = 'pending';

CREATE INDEX IF NOT EXISTS webhook_deliveries_by_subscription
    ON webhook_deliveries (subscription_id, id);

-- How far the feed has read the journal: written in the transaction that fills the outboxes.
CREATE TABLE IF NOT EXISTS webhook_feed (
    id       int    PRIMARY KEY,
    tx       xid8   NOT NULL,
    position bigint NOT NULL
);
