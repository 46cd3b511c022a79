"""What happened, told in the reader's language: the audit log read out.

``portal.audit.record`` writes structured events (a kind and its parameters); this area renders
them when a page shows them — the deal history, the administrator's audit log — through one registry
of event kinds (``EVENTS``), each with translated sentences whose named parameters are codes shown as
labels, organisations shown by their name in the reader's language, e-mails, numbers and dates.
"""

from portal.history.events import EVENTS, TARGET_LABELS, describe, describe_all, kind_label, target_label

__all__ = ["EVENTS", "TARGET_LABELS", "describe", "describe_all", "kind_label", "target_label"]
