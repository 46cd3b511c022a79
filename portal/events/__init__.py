"""Matchmaking events (对接活动): record them, list them, publish them as iCalendar."""
