"""Is the service able to answer: `/healthz` for load balancers, and the 503 when the database
is out of reach."""
