"""Kliento: a customer register and multi-merchant customer card service."""
