-- A customer's keys by first name and day, hour and day of last activity were only ever
-- added: a customer who wrote on Monday and again on Tuesday stayed counted under
-- Monday too, so "who of this first name wrote lately" and the surge counts were too
-- high. The engine now replaces them; this removes the ones written before. Other keys
-- are written anew when the engine next touches the customer (profile "keys" version).
DELETE FROM customer_keys k
USING customers c
WHERE k.customer_id = c.id
  AND (k.key LIKE 'a:%' OR k.key LIKE 'd:%' OR k.key LIKE 'f:%')
  AND split_part(substr(k.key, 3), '@', CASE WHEN k.key LIKE 'f:%' THEN 2 ELSE 1 END)
      IS DISTINCT FROM to_char((c.profile ->> 'last_seen')::timestamptz AT TIME ZONE 'UTC',
                               CASE WHEN k.key LIKE 'a:%' THEN 'YYYY-MM-DD"T"HH24'
                                    ELSE 'YYYY-MM-DD' END);
