"""Public notices (公示) before a transfer priced by agreement: opened by a centre, public with a feed,
open to objections from anyone during the window, and checked when a deal is recorded."""
