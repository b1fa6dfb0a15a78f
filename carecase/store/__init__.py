"""PostgreSQL storage (psycopg 3): the pool, migrations, named queries and read-outs.

SQL lives in ``.sql`` files beside this module: ``migrations/NNNN_name.sql`` (forward
only) and ``queries.sql`` (named queries, see ``queries.py``).
"""
