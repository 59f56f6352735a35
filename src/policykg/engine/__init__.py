"""Query execution: typed jobs, the worker pool, the workers and the in-process store."""
