"""Tests of the typed record and settings models."""
