"""Deployable units: one stack per store."""
