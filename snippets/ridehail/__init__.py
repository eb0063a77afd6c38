"""The ride-hailing world every page of the handbook shares: schema, seeded data, engines."""
