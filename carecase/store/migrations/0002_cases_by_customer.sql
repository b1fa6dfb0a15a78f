-- Each engine batch loads the open and recently closed cases of its candidate
-- customers; the partial index on open cases cannot serve the "recently closed" half,
-- which made that query scan every case.
CREATE INDEX cases_customer ON cases (customer_id, closed_at);
