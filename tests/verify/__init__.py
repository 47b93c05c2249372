"""Tests of the verify area (provincial office: review, INR911, progress matrix, accounts)."""
