"""Opportunity radar for human rights defenders: text → dated opportunities → calendars and Telegram."""

__version__ = "0.1.0"
