"""Benchmarks (not tests): `make bench-api` compares our GraphQL API with Wagtail's API v2."""
